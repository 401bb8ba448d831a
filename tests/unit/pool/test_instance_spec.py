"""Per-instance settings: proxies handed out in turn and kept for life, safe descriptions."""

from __future__ import annotations

import asyncio

from modules.config import BridgeConfig, ProxyConfig
from modules.pool.instance_spec import InstanceSpec, describe_proxy, pick_proxy
from modules.pool.pool import Pool
from modules.util.event_bus import EventBus
from tests.support.fakes import FakeLauncher

A = ProxyConfig(server="http://a.example:8080", username="ua", password="pa-secret")
B = ProxyConfig(server="http://b.example:8080")


def _pool(**pool: object) -> Pool:
    config = BridgeConfig.model_validate(
        {
            "pool": {"initial_instances": 0, **pool},
            "browser": {"proxies": [A.model_dump(), B.model_dump()]},
        }
    )
    return Pool(config, FakeLauncher(), EventBus())  # type: ignore[arg-type]


def test_the_least_used_proxy_is_picked_first_listed_on_ties() -> None:
    assert pick_proxy([A, B], []) == A
    assert pick_proxy([A, B], [A]) == B
    assert pick_proxy([A, B], [A, B, None, B]) == A
    assert pick_proxy([], [A]) is None


def test_a_description_never_shows_credentials() -> None:
    view = InstanceSpec(label="eu", proxy=A, max_concurrent=2).describe()
    assert view == {
        "label": "eu",
        "proxy": {"server": "http://a.example:8080", "auth": True},
        "headed": False,
        "max_concurrent": 2,
        "operator": False,
        "profile": None,
        "account": False,
    }
    assert "pa-secret" not in str(view) and "ua" not in str(view["proxy"])
    assert describe_proxy(None) is None
    assert InstanceSpec(proxy=A).secrets() == ["pa-secret"] and InstanceSpec().secrets() == []


async def test_the_pool_spreads_configured_proxies_and_recycling_keeps_them() -> None:
    pool = _pool()
    first, second, third = pool.add(), pool.add(), pool.add()
    assert [i.spec.proxy for i in (first, second, third)] == [A, B, A]
    await asyncio.sleep(0)
    successor = pool.recycle(first, "session lifetime reached")
    assert successor.spec.proxy == A  # the same address for the successor's session
    own = pool.add(InstanceSpec(label="mine", proxy=B, max_concurrent=3))
    assert own.spec.proxy == B and own.max_concurrent == 3 and own.describe()["label"] == "mine"
    assert all("pa-secret" not in str(i.describe()) for i in pool.instances.values())
    await pool.close()


async def test_a_broken_instance_the_operator_made_is_replaced_with_the_same_settings() -> None:
    pool = _pool()
    mine = pool.add(InstanceSpec(label="eu", proxy=B, operator=True))
    plain = pool.add()
    pool.target = 2
    await asyncio.sleep(0)
    pool.replace(mine, "start failed")
    pool.replace(plain, "start failed")
    fresh = [i for i in pool.active() if i not in (mine, plain)]
    assert sorted((i.spec.label or "", i.spec.operator) for i in fresh) == [
        ("", False),
        ("eu", True),
    ]
    assert [i.spec.proxy for i in fresh if i.spec.operator] == [B]
    await pool.close()

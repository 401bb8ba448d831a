"""A saved identity remembers its proxy: reopened through it whatever browser.proxies lists
now, a changed password taken from the config, and never moved to another address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import ProxyConfig
from modules.identity.profiles import ProfileStore
from modules.pool.instance_spec import InstanceSpec
from modules.pool.pool import Pool
from tests.unit.pool.test_identity_keeper import SigningLauncher, make, started, state_of

A = {"server": "http://10.0.0.1:3128", "username": "ua", "password": "pw-a-1234"}
B = {"server": "http://10.0.0.2:3128"}


def proxies_by_user(pool: Pool) -> dict[str | None, str | None]:
    return {i.identity.user_id: i.spec.proxy and i.spec.proxy.server for i in pool.active()}


async def restart(tmp_path: Path, proxies: list[dict[str, Any]], n: int = 2) -> Pool:
    return await started(make(tmp_path, SigningLauncher(), n, proxies), n)


async def test_a_restart_keeps_each_identity_on_its_proxy_in_any_list_order(
    tmp_path: Path,
) -> None:
    pool = await restart(tmp_path, [A, B])
    before = proxies_by_user(pool)
    assert sorted(map(str, before.values())) == [A["server"], B["server"]]
    await pool.close()
    pool = await restart(tmp_path, [B, A])
    assert proxies_by_user(pool) == before
    await pool.close()


async def test_a_proxy_no_longer_listed_stays_the_identity_s_own(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pool = await restart(tmp_path, [A], 1)
    (user,) = proxies_by_user(pool)
    await pool.close()
    pool = await restart(tmp_path, [B], 1)
    (inst,) = pool.active()
    assert inst.identity.user_id == user and inst.spec.proxy is not None
    assert inst.spec.proxy.password is not None  # the saved password: it still logs in
    assert (inst.spec.proxy.server, inst.spec.proxy.password.get_secret_value()) == (
        A["server"],
        A["password"],
    )
    assert "browser.proxies no longer lists" in caplog.text
    assert A["password"] not in caplog.text
    await pool.close()


async def test_a_changed_password_in_the_config_is_used(tmp_path: Path) -> None:
    await (await restart(tmp_path, [A], 1)).close()
    pool = await restart(tmp_path, [B, {**A, "password": "pw-a-new-99"}], 1)
    (inst,) = pool.active()
    assert inst.spec.proxy is not None and inst.spec.proxy.password is not None
    assert inst.spec.proxy.password.get_secret_value() == "pw-a-new-99"
    await pool.close()


async def test_an_identity_saved_without_a_proxy_stays_direct(tmp_path: Path) -> None:
    await (await restart(tmp_path, [], 1)).close()
    launcher = SigningLauncher()
    launcher.users = iter(["u2"])
    pool = await started(make(tmp_path, launcher, 2, [A, B]), 2)
    assert proxies_by_user(pool) == {"u1": None, "u2": A["server"]}
    await pool.close()


def test_a_spec_with_a_proxy_of_its_own_reopens_only_identities_saved_behind_it(
    tmp_path: Path,
) -> None:
    store = ProfileStore(tmp_path)
    store.save("anon-a", state_of("a"), kind="anonymous", user_id="a", proxy=ProxyConfig(**A))
    pool = make(tmp_path, SigningLauncher(), 1, [A, B])
    assert pool.keeper is not None
    via_b = InstanceSpec(proxy=ProxyConfig(**B), operator=True)
    assert pool.keeper.next_spec(via_b, [], pool.with_proxy) == via_b  # a new sign-up via B
    via_a = InstanceSpec(proxy=ProxyConfig(**A), operator=True)
    assert pool.keeper.next_spec(via_a, [], pool.with_proxy).profile == "anon-a"


def test_a_profile_saved_before_proxies_were_kept_takes_the_pool_s_choice(
    tmp_path: Path,
) -> None:
    store = ProfileStore(tmp_path)
    store.save("anon-a", state_of("a"), kind="anonymous", user_id="a", proxy=None)
    (tmp_path / "anon-a" / "proxy.json").unlink()
    assert store.saved_proxy("anon-a") is None
    pool = make(tmp_path, SigningLauncher(), 1, [B])
    assert pool.keeper is not None
    spec = pool.keeper.next_spec(InstanceSpec(), [], pool.with_proxy)
    assert spec.profile == "anon-a" and spec.proxy == ProxyConfig(**B)

"""A saved identity keeps its proxy across restarts: after a bridge restart each identity
goes through the same proxy as before, also when browser.proxies lists them in another
order or no longer lists one (the identity keeps its own, password included, from a
0600 file), so the site never sees an identity move address."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import pytest

from modules.local_arena import LocalArena
from tests.e2e.harness import Bridge, running_bridge
from tests.e2e.tagging_proxy import TaggingProxy

PASSWORD = "pw-alpha-7431"


async def _proxy_of_each(bridge: Bridge, names: dict[str, str]) -> dict[str, str]:
    """User id -> the name of the proxy its instance goes through."""
    return {
        i["identity"]["user_id"]: names[i["settings"]["proxy"]["server"]]
        for i in await bridge.instances()
    }


async def _seen_via(bridge: Bridge) -> dict[str, set[str]]:
    """User id -> the proxies the arena saw its requests come through ("" = direct)."""
    r = await bridge.http.get(f"{bridge.arena.url}/_control")
    return {s["user_id"]: set(s["via"]) for s in r.json()["sessions"]}


async def _serve_and_check(bridge: Bridge, names: dict[str, str]) -> dict[str, str]:
    """Each identity answers; the arena saw every identity through its one proxy only."""
    model = await bridge.model()
    for n in range(4):
        await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": f"restart {n}"}]
        )
    mapping = await _proxy_of_each(bridge, names)
    seen = await _seen_via(bridge)
    assert {u: seen[u] for u in mapping} == {u: {p} for u, p in mapping.items()}
    return mapping


async def test_each_identity_keeps_its_proxy_across_restarts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="modules")
    async with (
        TaggingProxy("alpha", "alpha-user", PASSWORD) as alpha,
        TaggingProxy("beta") as beta,
        LocalArena() as arena,
    ):
        a: dict[str, Any] = {"server": alpha.url, "username": "alpha-user", "password": PASSWORD}
        b: dict[str, Any] = {"server": beta.url}
        names = {alpha.url: "alpha", beta.url: "beta"}
        async with running_bridge(tmp_path, site=arena, browser={"proxies": [a, b]}) as bridge:
            first = await _serve_and_check(bridge, names)
        assert sorted(first.values()) == ["alpha", "beta"]
        shown = ""
        # The list in another order, then without alpha: nobody moves.
        for proxies in ([b, a], [b]):
            async with running_bridge(tmp_path, site=arena, browser={"proxies": proxies}) as bridge:
                assert await _serve_and_check(bridge, names) == first
                shown += (await bridge.http.get("/api/instances")).text
                shown += (await bridge.http.get("/api/logs/export")).text
        assert "browser.proxies no longer lists" in caplog.text
    saved = list((tmp_path / "data" / "profiles").glob("*/proxy.json"))
    assert len(saved) == 2 and {stat.S_IMODE(p.stat().st_mode) for p in saved} == {0o600}
    assert PASSWORD not in shown and PASSWORD not in caplog.text

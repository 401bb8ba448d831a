"""Issue 14, proxies: each instance goes through its own proxy (the arena saw every session
through one proxy only), a refused identity keeps its proxy, and a proxy password never
shows in the logs, the API or the GUI."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.gui_helpers import gui_browser, open_gui
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.tagging_proxy import TaggingProxy

ALPHA_PASSWORD = "pw-alpha-5150"
WRONG_PASSWORD = "pw-wrong-8086"


async def _via(bridge: Bridge) -> dict[str, dict[str, int]]:
    """Arena session (user id) -> requests seen per proxy name ("" = direct)."""
    r = await bridge.http.get(f"{bridge.arena.url}/_control")
    return {s["user_id"]: s["via"] for s in r.json()["sessions"]}


async def _everything_shown(bridge: Bridge) -> str:
    """What the API and the console serve about instances, logs and status."""
    parts = []
    for path in ("/api/instances", "/api/status", "/api/logs/export", "/api/history/export"):
        parts.append((await bridge.http.get(path)).text)
    parts.append((await bridge.http.get("/api/logs", params={"level": "DEBUG"})).text)
    return "\n".join(parts)


async def test_each_instance_goes_through_its_own_proxy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="modules")
    async with (
        TaggingProxy("alpha", "alpha-user", ALPHA_PASSWORD) as alpha,
        TaggingProxy("beta") as beta,
    ):
        proxies: list[dict[str, Any]] = [
            {"server": alpha.url, "username": "alpha-user", "password": ALPHA_PASSWORD},
            {"server": beta.url},
        ]
        async with running_bridge(
            tmp_path,
            instances=2,
            browser={"proxies": proxies},
            logging={"level": "DEBUG"},
            arena={"page_load_timeout_s": 8},  # a refused login fails sooner
        ) as bridge:
            model = await bridge.model()
            for n in range(6):
                await bridge.client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"via proxy {n}"}]
                )
            names = {alpha.url: "alpha", beta.url: "beta"}
            instances = await bridge.instances()
            expected = {
                i["identity"]["user_id"]: names[i["settings"]["proxy"]["server"]] for i in instances
            }
            assert sorted(expected.values()) == ["alpha", "beta"]  # one each, fewest-used first
            seen = await _via(bridge)
            for user_id, name in expected.items():
                assert set(seen[user_id]) == {name}, (user_id, seen[user_id])  # never direct
            assert alpha.forwarded > 0 and beta.forwarded > 0
            assert alpha.refused > 0  # Chromium logged in after the proxy asked

            # An operator's instance through alpha with a wrong password: the proxy refuses
            # it; the replacement keeps the same proxy (a refused identity is not moved).
            body = {
                "label": "wrong",
                "proxy": {
                    "server": alpha.url,
                    "username": "alpha-user",
                    "password": WRONG_PASSWORD,
                },
            }
            r = await bridge.http.post("/api/instances", json=body)
            assert r.status_code == 202, r.text
            await wait_for(lambda: bridge.coordinator.pool.restarts > 0, 60, "a failed start")
            wrong = [i for i in await bridge.instances() if i["label"] == "wrong"]
            assert wrong and {i["settings"]["proxy"]["server"] for i in wrong} == {alpha.url}
            for inst in wrong:
                await bridge.http.delete(f"/api/instances/{inst['id']}")

            shown = await _everything_shown(bridge)
            async with gui_browser() as browser:
                page = await open_gui(browser, bridge, "instances")
                await page.wait_for_selector("#instances-table tbody tr[data-instance-id]")
                shown += await page.content()
                await page.goto(bridge.base_url + "/#logs")
                await page.wait_for_selector("#logs-table tbody tr")
                shown += await page.content()
    for secret in (ALPHA_PASSWORD, WRONG_PASSWORD):
        assert secret not in shown
        assert secret not in caplog.text  # the bridge never logged it, at any level
    assert "alpha-user" not in shown  # the proxy's user is not shown either

"""Issue 11, item 8: a penalised identity is seen everywhere: its pace in /metrics, the
alerts "identity penalised" and "every identity penalised", /api/status and the GUI's
instance table (with the note that it is kept, never replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pacing_helpers import penalise, user_ids

PACING = {
    "enabled": True,
    "min_interval_s": 0.5,
    "burst": 100,
    "burst_window_s": 100,
    "penalty_s": 90,
    "penalty_max_s": 180,
}


async def _metrics(bridge: Bridge) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = await bridge.http.get("/metrics")
    r.raise_for_status()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


async def _active(bridge: Bridge, rule: str) -> dict[str, Any] | None:
    alerts = (await bridge.http.get("/api/alerts")).json()["active"]
    return next((a for a in alerts if a["rule"] == rule), None)


async def test_a_penalised_identity_shows_in_metrics_alerts_status_and_the_gui(
    tmp_path: Path,
) -> None:
    async with running_bridge(
        tmp_path, instances=2, pacing=PACING, alerts={"evaluate_interval_s": 0.5}
    ) as bridge:
        users = await user_ids(bridge)
        first, second = sorted(users)
        assert await penalise(bridge, first, users) == 200  # served by the other identity

        got = await _metrics(bridge)
        me = frozenset({("instance", first)})
        assert 80 < got[("bridge_instance_penalty_seconds", me)] <= 90
        assert got[("bridge_instance_next_slot_seconds", me)] > 80
        assert got[("bridge_instance_refusal_streak", me)] == 1
        kind = frozenset({("instance", first), ("kind", "prompt_failed")})
        assert got[("bridge_instance_refusals", kind)] == 1
        assert got[("bridge_instance_penalty_seconds", frozenset({("instance", second)}))] == 0
        alert = await wait_for(lambda: _active(bridge, "identity_penalised"), 10, "alert")
        assert first in alert["message"] and "never replaced" in alert["message"]
        assert await _active(bridge, "every_identity_penalised") is None

        async with gui_browser() as browser:
            page = await open_gui(browser, bridge, "instances")
            cell = page.locator(f'tr[data-instance-id="{first}"] .penalty-cell')
            await cell.locator("text=kept").wait_for()
            assert "never replaced" in (await cell.get_attribute("title") or "")
            note = await page.locator("#penalty-note").inner_text()
            assert "kept, never replaced" in note and "max_instances" in note
            other = page.locator(f'tr[data-instance-id="{second}"] .penalty-cell')
            assert "kept" not in await other.inner_text()
            await screenshot(page, "instances-penalised")

        assert await penalise(bridge, second, users) == 503  # nobody left to take it
        every = await wait_for(lambda: _active(bridge, "every_identity_penalised"), 10, "alert")
        assert every["message"].startswith("2 of 2 identities penalised")
        pacing = (await bridge.status())["pacing"]
        assert pacing["penalised"] == 2 and pacing["capacity_per_hour"] == 0
        got = await _metrics(bridge)
        assert got[("bridge_paced_capacity_requests_per_hour", frozenset())] == 0

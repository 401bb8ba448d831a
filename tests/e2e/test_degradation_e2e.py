"""Issue 14, degradation alerts: a model the arena slows down fires the rule (naming that
model only, also in the GUI's by-model table), and its recovery resolves it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from tests.e2e.gui_helpers import gui_browser, open_gui
from tests.e2e.harness import Bridge, running_bridge, wait_for

SLOW, STEADY = "local-echo-2", "local-echo-1"
RULE = {
    "name": "model_slower",
    "kind": "degradation",
    "metric": "p95_ttft",
    "threshold": 2,  # x2 of the model's own baseline
    "floor": 0.2,  # and at least 200 ms
    "window_s": 3,
    "baseline_s": 600,  # its figures are kept a minute: the slow answers do not join it
    "min_samples": 3,
    "cooldown_s": 0,
}


async def _ask(bridge: Bridge, model: str, n: int = 1) -> None:
    for _ in range(n):
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "how fast?"}]},
        )
        assert r.status_code == 200, r.text


async def _alert(bridge: Bridge) -> dict[str, Any] | None:
    active = (await bridge.http.get("/api/alerts")).json()["active"]
    return next((a for a in active if a["rule"] == RULE["name"]), None)


async def test_a_slowed_model_fires_and_its_recovery_resolves(tmp_path: Path) -> None:
    async with running_bridge(
        tmp_path,
        instances=1,
        arena_knobs={"ttft_ms": 10, "tokens_per_s": 1000},
        alerts={"evaluate_interval_s": 0.3, "rules": [RULE]},
    ) as bridge:
        # A baseline of normal answers for both models.
        for _ in range(30):
            await _ask(bridge, SLOW)
            await _ask(bridge, STEADY)
        await bridge.knobs(model_ttft_ms={SLOW: 600})

        async def slow_traffic_fires() -> dict[str, Any] | None:
            await _ask(bridge, SLOW)
            await _ask(bridge, STEADY)
            return await _alert(bridge)

        fired = await wait_for(slow_traffic_fires, 60, "the degradation alert")
        assert fired["models"] == [SLOW] and fired["kind"] == "degradation"
        assert f"{SLOW} p95_ttft" in fired["message"] and STEADY not in fired["message"]
        assert fired["value"] > 2

        # While the slow answers go on (the rule needs evidence in its window), the GUI's
        # by-model table marks that model, and only that one.
        keep_slow = asyncio.create_task(_ask(bridge, SLOW, 1000))
        try:
            async with gui_browser() as browser:
                page = await open_gui(browser, bridge)
                await page.click("[data-range='1h']")
                row = page.locator(f"#per-model tr[data-model='{SLOW}']")
                await expect(row.locator(".pill[data-state='firing']")).to_have_text("degraded")
                other = page.locator(f"#per-model tr[data-model='{STEADY}']")
                await expect(other).to_be_visible()
                await expect(other.locator(".pill")).to_have_count(0)
        finally:
            keep_slow.cancel()
            await asyncio.gather(keep_slow, return_exceptions=True)

        await bridge.knobs(model_ttft_ms={})

        async def fast_traffic_resolves() -> bool:
            await _ask(bridge, SLOW)
            return await _alert(bridge) is None

        await wait_for(fast_traffic_resolves, 60, "the alert to resolve")

        async def recorded() -> bool:
            history = (await bridge.http.get("/api/alerts")).json()["history"]
            states = [h["state"] for h in history if h["rule"] == RULE["name"]]
            return states[:2] == ["resolved", "firing"]

        await wait_for(recorded, 10, "both transitions in the alert history")

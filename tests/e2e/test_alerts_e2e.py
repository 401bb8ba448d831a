"""Issue: observability — an error-rate alert fires to a webhook, resolves, honours cooldown."""

from __future__ import annotations

import openai
import pytest

from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.obs_helpers import WebhookSink, event_feed

MODEL = "local-echo-1"
COOLDOWN_S = 1.5
# A long window: the failures stay in it, so only good traffic can clear the condition.
RULE = {
    "name": "upstream_errors",
    "kind": "error_rate",
    "threshold": 0.5,
    "window_s": 60,
    "min_samples": 4,
    "cooldown_s": COOLDOWN_S,
}


async def _fail(bridge: Bridge, count: int) -> None:
    await bridge.knobs(fail_next={"status": 500, "count": count})
    for n in range(count):
        with pytest.raises(openai.InternalServerError):
            await bridge.client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": f"fail {n}"}]
            )


async def _succeed(bridge: Bridge, count: int) -> None:
    for n in range(count):
        await bridge.client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": f"ok {n}"}]
        )


async def _alerts(bridge: Bridge) -> dict:
    r = await bridge.http.get("/api/alerts")
    assert r.status_code == 200
    return r.json()


async def test_error_rate_alert_fires_resolves_and_respects_cooldown(tmp_path) -> None:
    sink = WebhookSink()
    with sink.running():
        async with (
            running_bridge(
                tmp_path,
                instances=2,
                balancer={"max_retries": 0},
                health={"failure_threshold": 50},
                alerts={
                    "webhook_url": sink.url,
                    "webhook_retries": 0,
                    "evaluate_interval_s": 0.1,
                    "rules": [RULE],
                },
            ) as bridge,
            event_feed(bridge.base_url) as feed,
        ):
            view = await _alerts(bridge)
            assert view["active"] == [] and view["history"] == []
            assert [(r["name"], r["state"]) for r in view["rules"]] == [(RULE["name"], "ok")]

            await _fail(bridge, 3)  # 100% failed, but below min_samples: no evidence yet

            async def judged():
                rule = (await _alerts(bridge))["rules"][0]
                return rule if "3 requests" in rule["detail"] else None

            rule = await wait_for(judged, 10, "the rule evaluated on 3 failures")
            assert rule["state"] == "ok" and sink.received == []

            await _fail(bridge, 3)  # 6 of 6 failed
            await wait_for(lambda: sink.received, 10, "the firing webhook")
            fired = sink.received[0].payload
            assert fired["rule"] == RULE["name"] and fired["kind"] == "error_rate"
            assert fired["state"] == "firing" and fired["threshold"] == 0.5
            assert fired["value"] > 0.5 and "error rate" in fired["message"]
            # Nothing can clear the condition yet (no good traffic): it is still active.
            active = (await _alerts(bridge))["active"]
            assert [(a["rule"], a["kind"], a["state"]) for a in active] == [
                (RULE["name"], "error_rate", "firing")
            ]
            assert active[0]["at"] == pytest.approx(fired["at"], abs=1)  # wall clock, as sent

            await _succeed(bridge, 9)  # 6 of 15 failed: below the threshold
            await wait_for(lambda: len(sink.received) >= 2, 10, "the resolved webhook")
            resolved = sink.received[1].payload
            assert resolved["state"] == "resolved" and resolved["value"] <= 0.5
            assert resolved["message"].startswith("resolved:")
            # Cooldown: it stayed firing at least cooldown_s though the traffic healed sooner.
            assert resolved["at"] - fired["at"] >= COOLDOWN_S

            async def two_rows():
                view = await _alerts(bridge)
                return view if len(view["history"]) == 2 else None

            view = await wait_for(two_rows, 10, "two alert rows in the history")
            assert view["active"] == []
            assert [(h["rule"], h["state"]) for h in view["history"]] == [
                (RULE["name"], "resolved"),
                (RULE["name"], "firing"),
            ]
            assert view["rules"][0]["state"] == "ok"

            await _fail(bridge, 12)  # 18 of 27: holds again at once, but cooldown first
            await wait_for(lambda: len(sink.received) >= 3, 10, "the second firing webhook")
            again = sink.received[2].payload
            assert again["state"] == "firing"
            assert again["at"] - resolved["at"] >= COOLDOWN_S
            assert sink.states() == ["firing", "resolved", "firing"]

            def alert_events():
                return [e.data for e in feed.named("alert")]

            await wait_for(lambda: len(alert_events()) == 3, 10, "three alert events over SSE")
            assert [e["state"] for e in alert_events()] == sink.states()
            assert alert_events()[0] == fired and alert_events()[1] == resolved

            async def three_rows():  # the history is written in the background (~50 ms)
                history = (await _alerts(bridge))["history"]
                return history if len(history) == 3 else None

            history = await wait_for(three_rows, 10, "three alert rows in the history")
            assert [h["state"] for h in history] == ["firing", "resolved", "firing"]
            assert history[0]["value"] == pytest.approx(again["value"])

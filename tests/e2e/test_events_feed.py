"""Issue: observability — the live SSE feed: summaries each second, instance state changes."""

from __future__ import annotations

from tests.e2e.harness import running_bridge, wait_for
from tests.e2e.obs_helpers import event_feed


async def test_summary_arrives_about_once_per_second(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge, event_feed(bridge.base_url) as feed:
        first = feed.events[0]
        assert first.name == "summary"  # sent at once on connect
        assert first.data["pool"]["usable"] == 1 and len(first.data["instances"]) == 1
        assert first.data["instances"][0]["state"] == "ready"
        await wait_for(lambda: len(feed.named("summary")) >= 5, 15, "five summary events")
        periodic = feed.named("summary")[1:5]
        # uptime_s is stamped when each summary is built (0.1 s resolution).
        stamps = [e.data["uptime_s"] for e in periodic]
        gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
        assert all(gap >= 0.8 for gap in gaps), gaps  # paced, not a flood
        assert sum(gaps) / len(gaps) <= 2.0, gaps  # and about once per second
        for event in periodic:
            assert {"pool", "queue", "strategy", "rates", "instances"} <= event.data.keys()


async def test_instance_state_changes_are_events(tmp_path) -> None:
    async with (
        running_bridge(tmp_path, instances=1, balancer={"max_retries": 0}) as bridge,
        event_feed(bridge.base_url) as feed,
    ):
        (old,) = await bridge.instances()
        r = await bridge.http.post("/api/instances", json={})
        assert r.status_code == 202
        new_id = r.json()["instance"]["id"]

        def changes(instance_id: str) -> list[tuple[str, str]]:
            return [
                (e.data["old_state"], e.data["new_state"])
                for e in feed.named("instance")
                if e.data["id"] == instance_id
            ]

        await wait_for(lambda: ("starting", "ready") in changes(new_id), 30, "new instance ready")
        assert changes(new_id)[:2] == [("new", "starting"), ("starting", "ready")]

        r = await bridge.http.delete(f"/api/instances/{old['id']}")
        assert r.status_code == 202
        await wait_for(lambda: ("draining", "closed") in changes(old["id"]), 20, "old one closed")
        assert changes(old["id"]) == [("ready", "draining"), ("draining", "closed")]
        for event in feed.named("instance"):
            assert {"id", "old_state", "new_state", "reason", "at"} <= event.data.keys()
        removed = [e.data for e in feed.named("instance") if e.data["id"] == old["id"]]
        assert removed[0]["reason"] == "removed by operator"

        # A rate limit from the site cools the instance down, then it is ready again (and
        # the request, which waited for it at the head of the queue, is answered).
        await bridge.knobs(fail_next={"status": 429, "count": 1, "retry_after_s": 1})
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": await bridge.model(), "messages": [{"role": "user", "content": "slow"}]},
        )
        assert r.status_code == 200 and r.headers["x-bridge-failover"].endswith(": 429")
        await wait_for(lambda: ("cooling_down", "ready") in changes(new_id), 10, "cooled down")
        assert [new for _, new in changes(new_id)[2:]] == ["cooling_down", "ready"]
        assert changes(new_id)[2][0] in ("ready", "busy")  # busy: the request was in flight

        # A summary after all this shows the pool as it now is.
        def current_summary():
            summaries = feed.named("summary")
            ids = [i["id"] for i in summaries[-1].data["instances"]] if summaries else []
            return ids == [new_id]

        await wait_for(current_summary, 10, "a summary with only the new instance")

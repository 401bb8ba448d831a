"""Issue 11, items 5 and 9: autoscaling in paced terms. With one identity penalised, a
load the two identities' paces allow does not grow the pool (the penalty is not made up
for, though the one free identity alone is over its pace); arrivals beyond both paces do,
never past pool.max_instances, and the penalised identity is kept."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pacing_helpers import penalise, user_ids

# 1 send/s per identity; a refusal does not stretch the interval, so 2 identities = 2/s.
PACING = {
    "enabled": True,
    "min_interval_s": 1,
    "burst": 1000,
    "burst_window_s": 100,
    "refusal_factor": 1,
    "penalty_s": 60,
    "penalty_max_s": 120,
}
AUTOSCALE = {
    "enabled": True,
    "interval_s": 2,
    "cooldown_s": 600,
    "scale_up_threshold": 0.8,
    "scale_down_threshold": 0.3,
}


async def _arrivals(bridge: Bridge, per_s: float, count: int) -> list[int]:
    """`count` requests started `1/per_s` apart (scheduled by the loop, not by sleeping)."""
    model = await bridge.model()
    loop = asyncio.get_running_loop()
    tasks: list[asyncio.Task[httpx.Response]] = []

    def start(n: int) -> None:
        body = {"model": model, "messages": [{"role": "user", "content": f"load {n}"}]}
        tasks.append(asyncio.create_task(bridge.http.post("/v1/chat/completions", json=body)))

    for n in range(count):
        loop.call_later(n / per_s, start, n)
    await wait_for(lambda: len(tasks) == count, count / per_s + 10, "all requests started")
    return [r.status_code for r in await asyncio.gather(*tasks)]


async def test_a_penalty_does_not_grow_the_pool_but_load_past_the_paces_does(tmp_path) -> None:
    async with running_bridge(
        tmp_path,
        instances=2,
        pool={"min_instances": 2, "max_instances": 3},
        pacing=PACING,
        autoscale=AUTOSCALE,
        queue={"timeout_s": 30},
    ) as bridge:
        users = await user_ids(bridge)
        first = min(users)
        assert await penalise(bridge, first, users) == 200
        events: list[dict[str, Any]] = []
        feed = bridge.coordinator.bus.subscribe()

        async def listen() -> None:
            while True:
                event = await feed.get()
                if event.name == "scale":
                    events.append(event.data)

        listener = asyncio.create_task(listen())
        # 1 request/s: the free identity alone is at its pace, both together at half.
        assert await _arrivals(bridge, 1.0, 12) == [200] * 12
        assert not [e for e in events if e["action"] == "up"], events
        decision = (await bridge.status())["autoscaler"]["last_decision"]
        assert decision["action"] == "hold" and "of 2 identities" in decision["reason"]
        assert len(bridge.coordinator.pool.serving()) == 2

        # 4 requests/s: past both paces (2/s), so the pool grows, to max_instances at most.
        burst_at = time.time()
        statuses = await _arrivals(bridge, 4.0, 12)
        await wait_for(lambda: any(e["action"] == "up" for e in events), 10, "a scale-up")
        ups = [e for e in events if e["action"] == "up"]
        assert all(e["at"] >= burst_at and e["target"] <= 3 for e in ups), ups
        assert "requests/h" in ups[0]["reason"]
        assert statuses.count(200) >= 6  # the rest may be told to come back (503)
        assert len(bridge.coordinator.pool.serving()) <= 3
        kept = {i["id"]: i for i in await bridge.instances()}[first]
        assert kept["identity"]["user_id"] == users[first]  # kept, not replaced
        assert kept["pacing"]["penalty_s"] > 0
        listener.cancel()
        bridge.coordinator.bus.unsubscribe(feed)

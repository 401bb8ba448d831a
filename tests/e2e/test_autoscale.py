"""Issue: autoscaling — a burst of queued requests grows the pool, idling shrinks it."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import Bridge, running_bridge, wait_for

MAX = 3


async def _ask(bridge: Bridge, model: str, text: str) -> int:
    r = await bridge.http.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": text}]},
    )
    return r.status_code


async def _ready_count(bridge: Bridge) -> int:
    return sum(1 for i in await bridge.instances() if i["state"] in ("ready", "busy"))


async def test_burst_scales_up_to_max_and_idle_scales_back_to_min(tmp_path) -> None:
    async with running_bridge(
        tmp_path,
        instances=1,
        pool={"min_instances": 1, "max_instances": MAX},
        autoscale={
            "enabled": True,
            "interval_s": 0.5,
            "cooldown_s": 1,
            "scale_up_threshold": 0.8,
            "scale_down_threshold": 0.3,
        },
        arena_knobs={"tokens_per_s": 10},
    ) as bridge:
        model = await bridge.model()
        scale_events: list[dict] = []
        queue = bridge.coordinator.bus.subscribe()

        async def listen() -> None:
            while True:
                event = await queue.get()
                if event.name == "scale":
                    scale_events.append(event.data)

        listener = asyncio.create_task(listen())
        burst = [
            asyncio.create_task(_ask(bridge, model, f"burst request {n} " * 3)) for n in range(8)
        ]
        seen_max = 0

        async def grown() -> bool:
            nonlocal seen_max
            seen_max = max(seen_max, await _ready_count(bridge))
            return seen_max >= MAX

        await wait_for(grown, 40, f"pool grows to {MAX}")
        assert all(s == 200 for s in await asyncio.gather(*burst))
        ups = [e for e in scale_events if e["action"] == "up"]
        assert ups and all(e["target"] <= MAX for e in ups)
        assert len(bridge.coordinator.pool.serving()) <= MAX  # never above max_instances

        async def shrunk() -> bool:
            status = await bridge.status()
            return status["pool"]["total"] == 1 and await _ready_count(bridge) == 1

        await wait_for(shrunk, 30, "pool back to min_instances")
        assert any(e["action"] == "down" for e in scale_events)
        status = await bridge.status()
        assert status["autoscaler"]["last_decision"]["action"] in ("hold", "down")
        listener.cancel()
        bridge.coordinator.bus.unsubscribe(queue)
        assert await _ask(bridge, model, "still serving") == 200

"""Issue: a pool that heals itself — the browser dies mid-stream; spares take over."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx

from tests.e2e.harness import Bridge, running_bridge, wait_for

HEALTH_INTERVAL_S = 1.0


async def _stream(
    bridge: Bridge, model: str, text: str, begun: list[str] | None = None
) -> tuple[str, float]:
    """One streaming request; returns how it ended ('ok' or an error text) and when.
    `begun` gets `text` once the first content chunk has arrived."""
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": text}]}
    lines: list[str] = []
    try:
        async with bridge.http.stream("POST", "/v1/chat/completions", json=body) as r:
            if r.status_code != 200:
                await r.aread()
                return f"status {r.status_code}", time.monotonic()
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    lines.append(line)
                if begun is not None and '"content":"' in line and text not in begun:
                    begun.append(text)
    except httpx.HTTPError as err:
        return f"transport {type(err).__name__}", time.monotonic()
    if lines and lines[-1] == "data: [DONE]" and not any('"error"' in x for x in lines):
        return "ok", time.monotonic()
    return "error in stream", time.monotonic()


async def _ready_ids(bridge: Bridge) -> set[str]:
    return {i["id"] for i in await bridge.instances() if i["state"] == "ready"}


async def test_killed_browser_fails_fast_and_the_pool_heals(tmp_path) -> None:
    async with running_bridge(
        tmp_path,
        instances=2,
        health={"interval_s": HEALTH_INTERVAL_S},
        arena_knobs={"tokens_per_s": 8},
    ) as bridge:
        model = await bridge.model()
        before = {i["id"] for i in await bridge.instances()}
        old_pids = set(bridge.coordinator.driver.browser_pids())
        assert old_pids == {b["pid"] for b in (await bridge.status())["browsers"]}
        begun: list[str] = []
        clients = [
            asyncio.create_task(_stream(bridge, model, f"long answer number {n} " * 4, begun))
            for n in range(3)
        ]
        # Killed mid-stream: two answers have begun (the third waits in the queue).
        await wait_for(lambda: len(begun) >= 2, 15, "streams running")
        running = [f"long answer number {n} " * 4 in begun for n in range(3)]
        killed_at = time.monotonic()
        for pid in old_pids:
            os.kill(pid, signal.SIGKILL)
        bridge.arena.set_knobs(tokens_per_s=1000)  # the queued one is timed, not its answer
        outcomes = await asyncio.wait_for(asyncio.gather(*clients), 30)
        for was_running, (outcome, ended) in zip(running, outcomes, strict=True):
            # An answer cut by the crash ends at once, with an error. The one still queued
            # may fail over and succeed on the new browser (after its start-up, timed in
            # bench/recovery.py); if it fails instead, it fails as fast.
            if was_running:
                assert outcome != "ok", outcomes
            if was_running or outcome != "ok":
                assert ended - killed_at < HEALTH_INTERVAL_S + 5, outcome

        async def healed() -> bool:
            ready = await _ready_ids(bridge)
            return len(ready) == 2 and not ready & before

        await wait_for(healed, 30, "two fresh ready instances")
        new_pids = set(bridge.coordinator.driver.browser_pids())
        assert new_pids and not new_pids & old_pids  # a new browser was launched
        status = await bridge.status()
        assert status["pool"]["restarts"] >= 2
        reply = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "after the crash"}]
        )
        assert reply.choices[0].message.content


async def test_warm_spare_is_promoted_when_an_instance_dies(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, wait_ready=1, pool={"warm_spares": 1}
    ) as bridge:
        coord = bridge.coordinator
        await wait_for(
            lambda: len([i for i in coord.pool.instances.values() if i.usable]) == 2,
            30,
            "instance + spare ready",
        )
        spare = next(i.id for i in coord.pool.instances.values() if i.spare)
        serving = next(i.id for i in coord.pool.instances.values() if not i.spare)
        # Kill only the serving instance's page (the spare shares the browser).
        await coord.pool.get(serving).page.page.close()

        async def promoted() -> bool:
            listed = {i["id"]: i for i in await bridge.instances()}
            return serving not in listed and listed.get(spare, {}).get("state") == "ready"

        promoted_seen = await wait_for(promoted, HEALTH_INTERVAL_S + 5, "spare promoted")
        assert promoted_seen
        assert not coord.pool.get(spare).spare  # serving now, without a cold start
        model = await bridge.model()
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "via the spare"}]},
        )
        assert r.status_code == 200 and r.headers["x-bridge-instance"] == spare
        # A new spare is started to keep one in reserve.
        await wait_for(
            lambda: any(i.spare and i.usable for i in coord.pool.instances.values()),
            30,
            "a new warm spare",
        )

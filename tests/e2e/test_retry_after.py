"""At a cold start, a full queue's Retry-After matches the real wait (issue 13, item 17):
it was computed from a guessed 5 s per request until one finished, 7x too long."""

from __future__ import annotations

import asyncio
import time

from tests.e2e.harness import running_bridge


async def test_retry_after_matches_the_time_the_backlog_needs(tmp_path) -> None:
    knobs = {"ttft_ms": 800}  # each answer takes ~0.9 s
    queue = {"max_size": 4}
    async with running_bridge(tmp_path, instances=2, arena_knobs=knobs, queue=queue) as bridge:
        model = await bridge.model()
        body = {"model": model, "messages": [{"role": "user", "content": "wait"}]}
        refused: list[tuple[float, int]] = []  # (when the 503 arrived, Retry-After)
        served: list[float] = []

        async def one() -> None:
            r = await bridge.http.post("/v1/chat/completions", json=body)
            if r.status_code == 503:
                refused.append((time.monotonic(), int(r.headers["retry-after"])))
            else:
                assert r.status_code == 200, r.text
                served.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(10)))
        assert len(served) == 6 and len(refused) == 4
        cleared = max(served)
        for at, retry_after in refused:
            real_wait = cleared - at
            # Retry-After is whole seconds, rounded up: within a second of the real wait.
            assert real_wait - 0.5 <= retry_after <= real_wait + 1.5, (retry_after, real_wait)

"""Issue: the wait queue (full → 503, SSE keep-alives) and client disconnects freeing slots."""

from __future__ import annotations

import asyncio
import random
import time

import openai

from modules.local_arena import expected_reply
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import ROUTING_HEADERS, body, chat, sse_data, streamed_text

LONG = " ".join(f"w{n}" for n in range(20))  # ~23 tokens upstream


async def _total_in_flight(bridge: Bridge) -> int:
    return (await bridge.status())["pool"]["in_flight"]


async def _depth(bridge: Bridge) -> int:
    return (await bridge.status())["queue"]["depth"]


async def _queue_empty(bridge: Bridge) -> bool:
    return await _depth(bridge) == 0


async def _idle(bridge: Bridge) -> bool:
    status = await bridge.status()
    return status["pool"]["in_flight"] == 0 and status["queue"]["depth"] == 0


async def test_full_queue_answers_503_with_retry_after(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, queue={"max_size": 1}, arena_knobs={"tokens_per_s": 25}
    ) as bridge:
        model = await bridge.model()
        running = asyncio.create_task(chat(bridge, model, LONG))
        await wait_for(lambda: _total_in_flight(bridge), 10, "the first request to run")
        queued = asyncio.create_task(chat(bridge, model, "queued one"))
        await wait_for(lambda: _depth(bridge), 10, "the second request to wait in the queue")
        try:
            await bridge.client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "no room"}]
            )
            raise AssertionError("a request beyond queue.max_size must be refused")
        except openai.APIStatusError as err:
            assert err.status_code == 503
            assert float(err.response.headers["retry-after"]) >= 1
            assert err.body["code"] == "queue_full"
            assert err.body["type"] == "service_unavailable"
        (_, first), (headers, second) = await asyncio.gather(running, queued)
        assert first == expected_reply(model, LONG)
        assert second == expected_reply(model, "queued one")
        assert headers["x-bridge-instance"] == "i-1"
        assert int(headers["x-bridge-queue-ms"]) > 100  # it really waited for i-1
        assert await _idle(bridge)


async def test_queued_stream_gets_keepalive_comments(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, queue={"keepalive_interval_s": 0.2}, arena_knobs={"tokens_per_s": 25}
    ) as bridge:
        model = await bridge.model()
        running = asyncio.create_task(chat(bridge, model, LONG))
        await wait_for(lambda: _total_in_flight(bridge), 10, "the first request to run")
        lines: list[str] = []
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, "after the wait", stream=True)
        ) as r:
            assert r.status_code == 200
            # Headers leave before the lease: the strategy is known, the instance not yet.
            assert all(h in r.headers for h in ROUTING_HEADERS)
            assert r.headers["x-bridge-strategy"] == "least_busy"
            async for line in r.aiter_lines():
                if line:
                    lines.append(line)
        await running
        first_data = next(n for n, line in enumerate(lines) if line.startswith("data:"))
        waiting = [line for line in lines[:first_data] if line.startswith(": waiting")]
        assert len(waiting) >= 2, lines[:first_data]  # ~0.9 s of queueing at 0.2 s
        assert any(line.startswith(": routed to i-1") for line in lines[:first_data])
        payloads = sse_data(lines)
        assert payloads[-1] == "[DONE]"
        assert streamed_text(payloads) == expected_reply(model, "after the wait")
        assert await _idle(bridge)


async def test_disconnects_free_the_slot_within_a_second(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, queue={"keepalive_interval_s": 3}, arena_knobs={"tokens_per_s": 5}
    ) as bridge:
        model = await bridge.model()
        # 1. A stream closed after its first content chunk.
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, LONG, stream=True)
        ) as r:
            lines = r.aiter_lines()  # kept: a dropped iterator closes the stream when collected
            async for line in lines:
                if line.startswith("data:") and '"content":"' in line and '""' not in line:
                    break
            assert await _total_in_flight(bridge) == 1
        closed = time.monotonic()
        await wait_for(lambda: _idle(bridge), 1.0, "the slot to be freed after a stream close")
        assert time.monotonic() - closed < 1.0
        await wait_for(
            lambda: bridge.arena.state.active_streams == 0, 3, "the upstream stream to be aborted"
        )

        # 2. A non-streamed request whose client goes away mid-answer.
        task = asyncio.create_task(bridge.http.post("/v1/chat/completions", json=body(model, LONG)))
        await wait_for(lambda: bridge.arena.state.active_streams == 1, 10, "upstream to start")
        task.cancel()
        cancelled = time.monotonic()
        await wait_for(lambda: _idle(bridge), 1.0, "the slot to be freed after a disconnect")
        assert time.monotonic() - cancelled < 1.0
        await wait_for(
            lambda: bridge.arena.state.active_streams == 0, 3, "the upstream call to be aborted"
        )

        # 3. A stream that leaves while queued, before any byte of its response was sent
        #    (the first keep-alive is 3 s away, so only a disconnect watch can notice).
        running = asyncio.create_task(chat(bridge, model, "short"))
        await wait_for(lambda: _total_in_flight(bridge), 10, "a request to run")
        leaver = asyncio.create_task(_stream_then_leave(bridge, model, "never served", 1))
        await wait_for(lambda: _depth(bridge), 10, "the stream to wait in the queue")
        leaver.cancel()
        left = time.monotonic()
        await wait_for(lambda: _queue_empty(bridge), 1.0, "the queue to drop the leaver")
        assert time.monotonic() - left < 1.0
        _, text = await running
        assert text == expected_reply(model, "short")
        await wait_for(lambda: _idle(bridge), 2, "the pool to be idle")
        inst = (await bridge.instances())[0]
        assert inst["state"] == "ready" and inst["in_flight"] == 0


async def _stream_then_leave(bridge: Bridge, model: str, text: str, after_lines: int) -> None:
    async with bridge.http.stream(
        "POST", "/v1/chat/completions", json=body(model, text, stream=True)
    ) as r:
        seen = 0
        async for _line in r.aiter_lines():
            seen += 1
            if seen >= after_lines:
                return


async def test_cancellation_storm_leaks_nothing(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=2, queue={"keepalive_interval_s": 0.2}, arena_knobs={"tokens_per_s": 30}
    ) as bridge:
        model = await bridge.model()
        rng = random.Random(7)
        tasks: list[asyncio.Task] = []
        for n in range(30):
            text = f"storm {n} " + " ".join(["x"] * rng.randint(2, 12))
            kind = rng.choice(["stream", "stream", "leave", "plain"])
            if kind == "leave":
                coro = _stream_then_leave(bridge, model, text, rng.randint(1, 8))
            elif kind == "stream":
                coro = _stream_then_leave(bridge, model, text, 10_000)
            else:
                coro = bridge.http.post("/v1/chat/completions", json=body(model, text))
            tasks.append(asyncio.create_task(coro))
            await asyncio.sleep(rng.uniform(0, 0.05))
        # Cancel two thirds of them at random moments: queued, waiting for bytes, mid-stream.
        victims = rng.sample(tasks, 20)
        for task in victims:
            await asyncio.sleep(rng.uniform(0, 0.15))
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await wait_for(lambda: _idle(bridge), 2, "in_flight 0 and queue depth 0")
        await wait_for(
            lambda: bridge.arena.state.active_streams == 0, 5, "every upstream stream to end"
        )
        status = await bridge.status()
        assert status["pool"]["by_state"] == {"ready": 2}, status["pool"]
        # The pool still has its full capacity: two requests run side by side.
        results = await asyncio.gather(
            chat(bridge, model, "after a"), chat(bridge, model, "after b")
        )
        assert {h["x-bridge-instance"] for h, _ in results} == {"i-1", "i-2"}
        assert [t for _, t in results] == [
            expected_reply(model, "after a"),
            expected_reply(model, "after b"),
        ]
        assert await _idle(bridge)

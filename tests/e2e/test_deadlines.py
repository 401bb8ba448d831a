"""Per-attempt deadlines: no first byte in time fails over; silence or a too long answer
after the first byte ends the answer with an OpenAI error naming the deadline's key. Both
transports: `compose` (2026 arena) and `fetch` (2025 arena), whose start waits for the head."""

from __future__ import annotations

from typing import Any

import pytest

from modules.local_arena import expected_reply
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import body, chat, sse_data, streamed_text, user_ids

FAST = {"first_byte_s": 1, "idle_s": 1, "total_s": 3}
TRANSPORTS = pytest.mark.parametrize("legacy", [False, True], ids=["compose", "fetch"])


async def stream_payloads(bridge: Bridge, model: str, text: str) -> list[Any]:
    async with bridge.http.stream(
        "POST", "/v1/chat/completions", json=body(model, text, stream=True)
    ) as r:
        assert r.status_code == 200  # the first byte came in time
        return sse_data([line async for line in r.aiter_lines()])


@TRANSPORTS
async def test_no_first_byte_in_time_fails_over(tmp_path, legacy: bool) -> None:
    async with running_bridge(
        tmp_path,
        instances=2,
        legacy=legacy,
        balancer={"strategy": "round_robin"},
        timeouts=FAST,
    ) as bridge:
        model = await bridge.model()
        users = await user_ids(bridge)
        await bridge.knobs(per_session_speed={users["i-1"]: 200})  # first token after 10 s
        headers, text = await chat(bridge, model, "slow to start")
        assert text == expected_reply(model, "slow to start")
        assert headers["x-bridge-instance"] == "i-2"
        assert headers["x-bridge-failover"] == "i-1: timeout"
        await wait_for(lambda: bridge.arena.state.active_streams == 0, 10, "stalled one aborted")


@TRANSPORTS
async def test_silence_after_the_first_byte_ends_with_an_error(tmp_path, legacy: bool) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=legacy, timeouts=FAST) as bridge:
        model = await bridge.model()
        await bridge.knobs(stall_after_tokens=2)
        payloads = await stream_payloads(bridge, model, "one two three four")
        assert streamed_text(payloads)  # the first tokens arrived
        error = payloads[-2]["error"]
        assert "timeouts.idle_s" in error["message"] and error["code"] == "timeout"
        assert payloads[-1] == "[DONE]"

        r = await bridge.http.post("/v1/chat/completions", json=body(model, "again please"))
        assert r.status_code == 502 and "timeouts.idle_s" in r.json()["error"]["message"]


@TRANSPORTS
async def test_an_answer_longer_than_the_total_deadline_ends_with_an_error(
    tmp_path, legacy: bool
) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=legacy, timeouts=FAST) as bridge:
        model = await bridge.model()
        await bridge.knobs(tokens_per_s=4)  # a steady trickle: never idle, never done in 3 s
        payloads = await stream_payloads(bridge, model, " ".join(["word"] * 30))
        assert streamed_text(payloads)
        assert "timeouts.total_s" in payloads[-2]["error"]["message"]
        assert payloads[-1] == "[DONE]"
        await wait_for(lambda: bridge.arena.state.active_streams == 0, 10, "upstream aborted")

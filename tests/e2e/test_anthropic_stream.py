"""POST /v1/messages with stream: true streams as Anthropic's API does, read with the
official `anthropic` SDK: text deltas arrive while the arena is still answering, thinking
blocks when asked for, a parsed tool call as a tool_use block, pings while queued, an
error mid-stream as an `error` event."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import anthropic
import pytest

from modules.local_arena import expected_reasoning, expected_reply
from tests.e2e.harness import Bridge, running_bridge, wait_for

WEATHER = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
        "required": ["city"],
    },
}
LONG = "please echo these words back to me one after the other slowly " * 2


def _client(bridge: Bridge) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(base_url=bridge.base_url, api_key="none", max_retries=0)


async def _arena_streams(bridge: Bridge) -> int:
    return int((await bridge.http.get(f"{bridge.arena.url}/_control")).json()["active_streams"])


async def test_text_deltas_arrive_while_the_arena_still_streams(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1, arena_knobs={"tokens_per_s": 8}) as bridge:
        model = await bridge.model()
        names: list[str] = []
        deltas: list[str] = []
        open_at_first_delta = None
        ask: list[Any] = [{"role": "user", "content": LONG}]
        async with _client(bridge).messages.stream(
            model=model, max_tokens=500, messages=ask
        ) as stream:
            async for event in stream:
                names.append(event.type)
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    if not deltas:
                        open_at_first_delta = await _arena_streams(bridge)
                    deltas.append(event.delta.text)
            final = await stream.get_final_message()
        assert open_at_first_delta == 1  # the arena had not finished its answer yet
        assert len(deltas) > 1 and "".join(deltas) == expected_reply(model, LONG)
        assert names[:3] == ["message_start", "content_block_start", "content_block_delta"]
        assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
        assert final.stop_reason == "end_turn" and final.usage.output_tokens > 0
        assert [b.type for b in final.content] == ["text"]


async def test_thinking_and_a_tool_call_stream_as_their_blocks(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        client = _client(bridge)
        ask: list[Any] = [{"role": "user", "content": "why"}]
        thinking: Any = {"type": "enabled", "budget_tokens": 1024}
        async with client.messages.stream(
            model="local-thinker", max_tokens=500, messages=ask, thinking=thinking
        ) as stream:
            kinds = [e.delta.type async for e in stream if e.type == "content_block_delta"]
            thought = await stream.get_final_message()
        assert kinds[0] == "thinking_delta" and kinds[-1] == "text_delta"
        assert [b.type for b in thought.content] == ["thinking", "text"]
        assert getattr(thought.content[0], "thinking", None) == expected_reasoning(
            "local-thinker", "why"
        )

        weather: Any = [
            {"role": "user", "content": "What is the weather in Paris? Use get_weather."}
        ]
        async with client.messages.stream(
            model="local-agent", max_tokens=500, messages=weather, tools=[WEATHER]
        ) as stream:
            called = await stream.get_final_message()
        assert called.stop_reason == "tool_use"
        use = called.content[-1]
        assert use.type == "tool_use" and use.name == "get_weather"
        assert use.input == {"city": "city-example", "unit": "c"}


async def test_an_error_mid_stream_is_an_error_event(tmp_path: Path) -> None:
    knobs = {"error_midstream": {"after_tokens": 3}, "tokens_per_s": 50}
    async with running_bridge(tmp_path, instances=1, arena_knobs=knobs) as bridge:
        model = await bridge.model()
        texts: list[str] = []
        ask: list[Any] = [{"role": "user", "content": LONG}]
        with pytest.raises(anthropic.APIStatusError) as caught:
            async with _client(bridge).messages.stream(
                model=model, max_tokens=500, messages=ask
            ) as stream:
                async for event in stream:
                    if event.type == "content_block_delta" and event.delta.type == "text_delta":
                        texts.append(event.delta.text)
        assert texts  # the answer had begun
        body: Any = caught.value.body
        assert body["type"] == "error" and body["error"]["message"]


async def test_a_queued_stream_gets_pings_before_its_message(tmp_path: Path) -> None:
    async with running_bridge(
        tmp_path, instances=1, queue={"keepalive_interval_s": 0.2}, arena_knobs={"tokens_per_s": 25}
    ) as bridge:
        model = await bridge.model()
        first = {"model": model, "messages": [{"role": "user", "content": LONG}]}
        running = asyncio.create_task(bridge.client.chat.completions.create(**first))
        pool = bridge.coordinator.pool
        await wait_for(lambda: any(i.in_flight for i in pool.active()), 10, "the first to run")
        ask = {
            "model": model,
            "max_tokens": 100,
            "stream": True,
            "messages": [{"role": "user", "content": "queued"}],
        }
        async with bridge.http.stream("POST", "/v1/messages", json=ask) as r:
            lines = [line async for line in r.aiter_lines()]
        await running
        events = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
        start = events.index("message_start")
        assert start > 0 and set(events[:start]) == {"ping"}, events
        assert events[-1] == "message_stop"


async def test_a_stop_sequence_is_reported_as_anthropic_does(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        client = _client(bridge)
        ask: list[Any] = [{"role": "user", "content": "one two three"}]
        whole = await client.messages.create(
            model=model, max_tokens=100, messages=ask, stop_sequences=["two"]
        )
        async with client.messages.stream(
            model=model, max_tokens=100, messages=ask, stop_sequences=["two"]
        ) as stream:
            streamed = await stream.get_final_message()
        for message in (whole, streamed):
            assert (message.stop_reason, message.stop_sequence) == ("stop_sequence", "two")
            text = getattr(message.content[0], "text", None)
            assert text == expected_reply(model, "one two three").split("two")[0]

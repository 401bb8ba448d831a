"""Issue 12 with the official Python SDK: tools, parse(), Responses, completions, limits."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from modules.local_arena import expected_reasoning, expected_reply
from tests.e2e.harness import running_bridge

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
            "required": ["city"],
        },
    },
}
ASK = "What is the weather in Paris? Use get_weather."


class Person(BaseModel):
    name: str
    age: int


async def test_tool_round_trip_non_stream_and_stream(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        first = await bridge.client.chat.completions.create(
            model="local-agent", messages=[{"role": "user", "content": ASK}], tools=[WEATHER]
        )
        choice = first.choices[0]
        assert choice.finish_reason == "tool_calls"
        assert choice.message.content == "I will call get_weather.\n"  # the text before the call
        call = choice.message.tool_calls[0]
        assert call.id.startswith("call_") and call.function.name == "get_weather"
        assert json.loads(call.function.arguments) == {"city": "city-example", "unit": "c"}

        history = [
            {"role": "user", "content": ASK},
            choice.message.model_dump(exclude_none=True),
            {"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"},
        ]
        second = await bridge.client.chat.completions.create(
            model="local-agent", messages=history, tools=[WEATHER]
        )
        assert second.choices[0].finish_reason == "stop"
        assert second.choices[0].message.content == "The tool get_weather returned: sunny, 21 C"

        stream = await bridge.client.chat.completions.create(
            model="local-agent",
            messages=[{"role": "user", "content": ASK}],
            tools=[WEATHER],
            stream=True,
        )
        chunks = [c async for c in stream]
        deltas = [c.choices[0].delta for c in chunks if c.choices]
        text = "".join(d.content or "" for d in deltas)
        calls = [tc for d in deltas for tc in (d.tool_calls or [])]
        assert text == "I will call get_weather.\n"
        assert [c.function.name for c in calls] == ["get_weather"] and calls[0].index == 0
        assert chunks[-1].choices[0].finish_reason == "tool_calls"


async def test_required_tool_choice_is_repaired_once(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        reply = await bridge.client.chat.completions.create(
            model="local-agent",
            messages=[{"role": "user", "content": "BREAK_REPLY " + ASK}],
            tools=[WEATHER],
            tool_choice="required",
        )
        assert reply.choices[0].message.tool_calls[0].function.name == "get_weather"


async def test_parse_with_a_pydantic_model_and_json_mode(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        parsed = await bridge.client.chat.completions.parse(
            model="local-json",
            messages=[{"role": "user", "content": "Invent a person."}],
            response_format=Person,
        )
        assert parsed.choices[0].message.parsed == Person(name="name-example", age=1)
        plain = await bridge.client.chat.completions.create(
            model="local-json",
            messages=[{"role": "user", "content": "Give JSON"}],
            response_format={"type": "json_object"},
            stream=True,
        )
        text = "".join([c.choices[0].delta.content or "" async for c in plain if c.choices])
        assert json.loads(text) == {"answer": "Give JSON"}


async def test_json_that_cannot_be_repaired_is_a_422_never_a_200(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={
                "model": "local-echo-1",
                "messages": [{"role": "user", "content": "no json from an echo"}],
                "response_format": {"type": "json_object"},
            },
        )
        assert r.status_code == 422
        assert r.json()["error"]["param"] == "response_format"
        assert "holds no JSON" in r.json()["error"]["message"]


async def test_responses_round_trip_stream_and_not(tmp_path) -> None:
    tool = {"type": "function", **WEATHER["function"]}
    async with running_bridge(tmp_path, instances=1) as bridge:
        first = await bridge.client.responses.create(model="local-agent", input=ASK, tools=[tool])
        calls = [item for item in first.output if item.type == "function_call"]
        assert [c.name for c in calls] == ["get_weather"]
        follow = await bridge.client.responses.create(
            model="local-agent",
            previous_response_id=first.id,
            tools=[tool],
            input=[{"type": "function_call_output", "call_id": calls[0].call_id, "output": "rain"}],
        )
        assert follow.output_text == "The tool get_weather returned: rain"

        private = await bridge.client.responses.create(
            model="local-echo-1", input="forget me", store=False
        )
        assert private.output_text == expected_reply("local-echo-1", "forget me")
        with pytest.raises(openai.NotFoundError) as caught:
            await bridge.client.responses.create(
                model="local-echo-1", input="again", previous_response_id=private.id
            )
        assert caught.value.body["param"] == "previous_response_id"  # type: ignore[index]

        stream = await bridge.client.responses.create(
            model="local-thinker", input="hello there", stream=True
        )
        events = [e async for e in stream]
        kinds = [e.type for e in events]
        assert kinds[:2] == ["response.created", "response.in_progress"]
        assert kinds[-1] == "response.completed"
        final = events[-1].response
        assert final.output_text == expected_reply("local-thinker", "hello there")
        reasoning = next(i for i in final.output if i.type == "reasoning")
        assert reasoning.summary[0].text == expected_reasoning("local-thinker", "hello there")


async def test_completions_stop_max_tokens_and_reasoning_fields(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        legacy = await bridge.client.completions.create(model="local-echo-1", prompt="Once upon")
        assert legacy.choices[0].text == expected_reply("local-echo-1", "Once upon")
        streamed = await bridge.client.completions.create(
            model="local-echo-1", prompt="a time", stream=True
        )
        text = "".join([c.choices[0].text async for c in streamed])
        assert text == expected_reply("local-echo-1", "a time")

        full = expected_reply("local-echo-1", "one two three four")
        cut = await bridge.client.chat.completions.create(
            model="local-echo-1",
            messages=[{"role": "user", "content": "one two three four"}],
            stop=["three"],
        )
        assert cut.choices[0].message.content == full[: full.index("three")]
        short = await bridge.client.chat.completions.create(
            model="local-echo-1",
            messages=[{"role": "user", "content": "one two three four"}],
            max_tokens=2,
        )
        assert short.choices[0].finish_reason == "length"
        assert short.choices[0].message.content == full[:8]

        thought = await bridge.client.chat.completions.create(
            model="local-thinker", messages=[{"role": "user", "content": "why"}]
        )
        fields = thought.choices[0].message.model_extra or {}
        assert (
            fields["reasoning"]
            == fields["reasoning_content"]
            == expected_reasoning("local-thinker", "why")
        )


async def test_anthropic_messages_with_a_tool(tmp_path) -> None:
    tool = {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "input_schema": WEATHER["function"]["parameters"],
    }
    ask = {"role": "user", "content": ASK}
    async with running_bridge(tmp_path, instances=1) as bridge:
        r = await bridge.http.post(
            "/v1/messages",
            json={"model": "local-agent", "max_tokens": 200, "tools": [tool], "messages": [ask]},
        )
        message = r.json()
        assert message["stop_reason"] == "tool_use", message
        use = message["content"][-1]
        assert use["type"] == "tool_use" and use["input"] == {"city": "city-example", "unit": "c"}
        result = {"type": "tool_result", "tool_use_id": use["id"], "content": "hail"}
        follow = {
            "model": "local-agent",
            "max_tokens": 200,
            "tools": [tool],
            "stream": True,
            "messages": [
                ask,
                {"role": "assistant", "content": message["content"]},
                {"role": "user", "content": [result]},
            ],
        }
        async with bridge.http.stream("POST", "/v1/messages", json=follow) as streamed:
            lines = [line async for line in streamed.aiter_lines()]
        events = [line.removeprefix("event: ") for line in lines if line.startswith("event: ")]
        assert events[0] == "message_start" and events[-1] == "message_stop"
        texts = [
            json.loads(line[6:])
            for line in lines
            if line.startswith("data: ") and "text_delta" in line
        ]
        text = "".join(t["delta"]["text"] for t in texts)
        assert text == "The tool get_weather returned: hail"

"""Anthropic Messages requests on the chat path, and the message/stream shapes out."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.answer_shaper import Finished, Piece
from modules.openai_api.anthropic_messages import message_object, to_chat_body, wants_thinking
from modules.openai_api.shaped_answer import ShapedAnswer
from modules.openai_api.tool_parse import ToolCall

TOOL = {
    "name": "get_time",
    "description": "Time",
    "input_schema": {"type": "object", "properties": {}},
}


def test_request_translation() -> None:
    raw: dict[str, Any] = {
        "model": "m",
        "system": [{"type": "text", "text": "Be brief."}],
        "max_tokens": 100,
        "stop_sequences": ["END"],
        "tools": [TOOL],
        "tool_choice": {"type": "tool", "name": "get_time", "disable_parallel_tool_use": True},
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Time?"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "AAA"},
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Checking"},
                    {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "get_time",
                        "input": {"zone": "UTC"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [{"type": "text", "text": "12:00"}],
                    }
                ],
            },
        ],
    }
    body = to_chat_body(raw)
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["messages"][1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,AAA"},
    }
    assert body["messages"][2]["tool_calls"][0]["function"] == {
        "name": "get_time",
        "arguments": '{"zone": "UTC"}',
    }
    assert body["messages"][3] == {"role": "tool", "tool_call_id": "toolu_1", "content": "12:00"}
    assert body["tools"][0]["function"]["parameters"] == TOOL["input_schema"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_time"}}
    assert body["parallel_tool_calls"] is False
    assert (body["max_tokens"], body["stop"]) == (100, ["END"])


def test_choices_and_refusals() -> None:
    base = {"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [TOOL]}
    assert to_chat_body({**base, "tool_choice": {"type": "any"}})["tool_choice"] == "required"
    assert to_chat_body(base)["tool_choice"] == "auto"
    with pytest.raises(BadRequest) as caught:
        to_chat_body(
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "document"}]}]}
        )
    assert caught.value.param == "messages[0]"
    with pytest.raises(BadRequest):
        to_chat_body({"model": "m", "messages": []})


def _answer(text: str, calls: tuple[ToolCall, ...] = (), reasoning: str = "") -> ShapedAnswer:
    answer = ShapedAnswer()
    answer.add(Piece("reasoning", reasoning))
    answer.add(Piece("text", text))
    answer.end(Finished(calls=calls, finish_reason="tool_calls" if calls else "stop"))
    return answer


def test_message_objects() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    call = ToolCall("call_1", "get_time", '{"zone":"UTC"}')
    message = message_object("m", _answer("Sure.", (call,)), usage)
    assert message["stop_reason"] == "tool_use"
    assert message["content"][1] == {
        "type": "tool_use",
        "id": "call_1",
        "name": "get_time",
        "input": {"zone": "UTC"},
    }
    assert message["usage"] == {"input_tokens": 3, "output_tokens": 4}
    thought = _answer("A.", reasoning="why")
    assert [b["type"] for b in message_object("m", thought, usage)["content"]] == ["text"]
    shown = message_object("m", thought, usage, thinking=True)["content"]
    assert shown[0] == {"type": "thinking", "thinking": "why", "signature": ""}
    assert wants_thinking({"thinking": {"type": "enabled", "budget_tokens": 1024}})
    assert not wants_thinking({"thinking": {"type": "disabled"}}) and not wants_thinking({})
    cut = _answer("Hi")
    cut.stop_sequence = "!"
    stopped = message_object("m", cut, usage)
    assert (stopped["stop_reason"], stopped["stop_sequence"]) == ("stop_sequence", "!")

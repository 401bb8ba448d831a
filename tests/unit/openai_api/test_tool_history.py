"""Tool calls and results rendered back into the history, and the repair turn."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.repair import Repair, repair_messages
from modules.openai_api.schema import ChatMessage
from modules.openai_api.tool_history import render_tool_turns, with_contract


def _messages(raw: list[dict[str, Any]]) -> list[ChatMessage]:
    return [ChatMessage.model_validate(m) for m in raw]


def _call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Rome and the time?"},
    {
        "role": "assistant",
        "content": "Checking.",
        "tool_calls": [
            _call("call_a", "get_weather", '{"city": "Rome"}'),
            _call("call_b", "get_time", '{"zone":"CET"}'),
        ],
    },
    {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
    {"role": "tool", "tool_call_id": "call_b", "content": [{"type": "text", "text": "12:00"}]},
]


def test_calls_and_results_become_text_turns() -> None:
    out = render_tool_turns(_messages(CONVERSATION))
    assert [m.role for m in out] == ["system", "user", "assistant", "user"]
    assert out[2].text == (
        "Checking.\n"
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>\n'
        '<tool_call>{"name": "get_time", "arguments": {"zone": "CET"}}</tool_call>'
    )
    assert out[3].text == (
        '<tool_result name="get_weather" id="call_a">sunny</tool_result>\n'
        '<tool_result name="get_time" id="call_b">12:00</tool_result>'
    )


def test_results_before_a_user_message_stay_separate() -> None:
    raw = [*CONVERSATION, {"role": "user", "content": "Thanks, and Oslo?"}]
    out = render_tool_turns(_messages(raw))
    assert [m.role for m in out] == ["system", "user", "assistant", "user", "user"]
    assert out[-1].text == "Thanks, and Oslo?"


def test_a_result_must_answer_an_earlier_call() -> None:
    raw = [*CONVERSATION[:3], {"role": "tool", "tool_call_id": "call_zzz", "content": "x"}]
    with pytest.raises(BadRequest) as caught:
        render_tool_turns(_messages(raw))
    assert caught.value.param == "messages[3].tool_call_id"
    assert "call_zzz" in caught.value.message


def test_a_result_needs_a_tool_call_id() -> None:
    raw = [*CONVERSATION[:3], {"role": "tool", "content": "x"}]
    with pytest.raises(BadRequest) as caught:
        render_tool_turns(_messages(raw))
    assert caught.value.param == "messages[3].tool_call_id"


def test_unparsable_arguments_are_shown_as_sent() -> None:
    raw = [{"role": "assistant", "tool_calls": [_call("c", "f", "{oops")]}]
    assert '"_raw": "{oops"' in render_tool_turns(_messages(raw))[0].text


def test_contract_goes_after_the_leading_system_messages() -> None:
    out = with_contract(_messages(CONVERSATION[:2]), "CONTRACT")
    assert [(m.role, m.text) for m in out][:2] == [("system", "Be brief."), ("system", "CONTRACT")]
    assert with_contract(_messages(CONVERSATION[1:2]), "CONTRACT")[0].text == "CONTRACT"
    assert len(with_contract(_messages(CONVERSATION[:2]), "")) == 2


def test_repair_turn_carries_history_reply_and_instruction() -> None:
    out = repair_messages(_messages(CONVERSATION[:2]), "bad reply", Repair("fix it"))
    assert [(m.role, m.text) for m in out[2:]] == [("assistant", "bad reply"), ("user", "fix it")]

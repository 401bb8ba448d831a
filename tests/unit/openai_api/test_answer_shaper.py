"""The answer shaper: limits, tool calls, JSON, buffering and repairs together."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest, UnusableReply
from modules.openai_api.agent_request import AgentPlan, plan_request, prompt_messages
from modules.openai_api.answer_shaper import AnswerShaper, Finished, Piece
from modules.openai_api.schema import validate_request
from tests.unit.openai_api.tool_fixtures import TIME, WEATHER

CALL = '<tool_call>{"name": "get_time", "arguments": {"zone": "UTC"}}</tool_call>'
PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


def _plan(**fields: Any) -> AgentPlan:
    # Fields added after validation: the chat schema still refuses tools until wired.
    raw = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    return plan_request(validate_request(raw).model_copy(update=fields))


def _run(
    shaper: AnswerShaper, deltas: list[str], reasoning: str = ""
) -> tuple[list[Piece], Finished]:
    pieces = shaper.reasoning(reasoning) if reasoning else []
    for delta in deltas:
        pieces += shaper.text(delta)
    return pieces, shaper.finish("stop")


def _texts(pieces: list[Piece] | tuple[Piece, ...]) -> str:
    return "".join(p.text for p in pieces if p.kind == "text")


def test_plain_text_streams_through() -> None:
    pieces, finished = _run(AnswerShaper(AgentPlan()), ["Hel", "lo"], reasoning="hmm")
    assert pieces == [Piece("reasoning", "hmm"), Piece("text", "Hel"), Piece("text", "lo")]
    assert finished == Finished((), (), "stop")


def test_stop_and_length() -> None:
    pieces, finished = _run(AnswerShaper(AgentPlan(stops=("lo",))), ["Hel", "lo world"])
    assert _texts(pieces) == "Hel" and finished.finish_reason == "stop"
    shaper = AnswerShaper(AgentPlan(max_tokens=1))
    pieces, finished = _run(shaper, ["Hello world"])
    assert _texts(pieces) == "Hell" and finished.finish_reason == "length" and shaper.done


def test_text_then_a_call_under_auto() -> None:
    plan = _plan(tools=[WEATHER, TIME])
    pieces, finished = _run(AnswerShaper(plan), ["Let me check.\n", CALL[:20], CALL[20:]])
    assert _texts(pieces) == "Let me check.\n"
    assert [c.name for c in finished.calls] == ["get_time"]
    assert finished.finish_reason == "tool_calls" and _texts(finished.pieces) == ""


def test_plain_text_under_auto_is_released_at_the_end_if_held() -> None:
    plan = _plan(tools=[WEATHER])
    pieces, finished = _run(AnswerShaper(plan), ["Code:\n", "```py\nx = 1\n```"])
    assert _texts(pieces) == "Code:\n"
    assert _texts(finished.pieces) == "```py\nx = 1\n```" and finished.calls == ()


def test_required_is_buffered_and_repaired_then_refused() -> None:
    plan = _plan(tools=[WEATHER], tool_choice="required")
    assert plan.buffered
    pieces, finished = _run(AnswerShaper(plan), ["No tools for me."], reasoning="r")
    assert pieces == [] and finished.repair is not None
    with pytest.raises(UnusableReply):
        _run(AnswerShaper(plan, repairs_done=1), ["Still no."])


def test_required_call_releases_reasoning_and_text_at_the_end() -> None:
    plan = _plan(tools=[TIME], tool_choice="required")
    pieces, finished = _run(AnswerShaper(plan), ["Sure. ", CALL], reasoning="r")
    assert pieces == []
    assert finished.pieces == (Piece("reasoning", "r"), Piece("text", "Sure."))
    assert finished.calls[0].name == "get_time"


def test_json_is_checked_and_fences_stripped() -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "p", "schema": PERSON}}
    plan = _plan(response_format=fmt)
    pieces, finished = _run(AnswerShaper(plan), ["```json\n", '{"name": "Ada"}', "\n```"])
    assert pieces == [] and finished.pieces == (Piece("text", '{"name": "Ada"}'),)
    _, bad = _run(AnswerShaper(plan), ['{"nom": "Ada"}'])
    assert bad.repair is not None and "'name' is a required property" in bad.repair.instruction


def test_plan_checks_fields() -> None:
    with pytest.raises(BadRequest) as caught:
        _plan(stop=["a", "b", "c", "d", "e"])
    assert caught.value.param == "stop"
    assert _plan(stop="x", max_completion_tokens=5) == AgentPlan(stops=("x",), max_tokens=5)


def test_prompt_messages_carry_contract_and_instruction() -> None:
    fields = {"tools": [TIME], "response_format": {"type": "json_object"}}
    req = validate_request({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    req = req.model_copy(update=fields)
    messages = prompt_messages(req, plan_request(req))
    assert [m.role for m in messages] == ["system", "user"]
    assert "<tool_call>" in messages[0].text and "JSON object" in messages[0].text

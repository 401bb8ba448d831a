"""AgentCall: outputs shaped from a job's events, early stop, and one repair turn."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest

from modules.errors import UnusableReply
from modules.observability.records import RequestRecord
from modules.openai_api.answer_shaper import Piece
from modules.openai_api.schema import ChatCompletionRequest, validate_request
from modules.service.agent_call import AgentCall
from modules.service.chat_job import ChatJob
from modules.upstream.body import ChatTurn
from modules.upstream.events import ClientEvent, Finish, ReasoningDelta, TextDelta
from modules.upstream.models import ArenaModel

MODEL = ArenaModel("id", "local-agent", "org", "p", {"text": True})
TOOL = {
    "type": "function",
    "function": {
        "name": "f",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}},
            "required": ["a"],
        },
    },
}
GOOD = '<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>'


class FakeCoordinator:
    """Answers each submitted request with the next scripted reply."""

    def __init__(self, *replies: list[ClientEvent]) -> None:
        self.replies = list(replies)
        self.requests: list[ChatCompletionRequest] = []
        self.records: list[RequestRecord] = []
        self.closed = 0

    async def submit(self, request: ChatCompletionRequest) -> ChatJob:
        self.requests.append(request)
        turns = [ChatTurn("user", m.text) for m in request.messages]
        job = ChatJob(request, MODEL, turns, on_finish=self.records.append)
        job.attach(self._events(job, self.replies.pop(0)))
        return job

    async def _events(
        self, job: ChatJob, events: list[ClientEvent]
    ) -> AsyncGenerator[ClientEvent, None]:
        try:
            for event in events:
                job.answer.add(event)
                yield event
        finally:
            self.closed += 1


def _text(*pieces: str, reason: str = "stop") -> list[ClientEvent]:
    return [*(TextDelta(p) for p in pieces), Finish(reason)]


def _req(**fields: Any) -> ChatCompletionRequest:
    base = validate_request(
        {"model": "local-agent", "messages": [{"role": "user", "content": "hi"}]}
    )
    return base.model_copy(update=fields)


async def _run(coord: FakeCoordinator, req: ChatCompletionRequest) -> tuple[AgentCall, list[Any]]:
    call = await AgentCall.open(coord.submit, req, ("ua/1", "chat"))
    return call, [o async for o in call.outputs()]


async def test_plain_answer_passes_through() -> None:
    coord = FakeCoordinator([ReasoningDelta("r"), *_text("Hel", "lo")])
    call, outputs = await _run(coord, _req())
    assert outputs == [Piece("reasoning", "r"), Piece("text", "Hel"), Piece("text", "lo")]
    assert call.answer.text == "Hello" and call.answer.finish_reason == "stop"
    call.finish(None)
    assert coord.records[0].user_agent == "ua/1" and coord.records[0].endpoint == "chat"


async def test_contract_is_sent_and_calls_come_back() -> None:
    coord = FakeCoordinator(_text("Ok. ", GOOD))
    call, _ = await _run(coord, _req(tools=[TOOL]))
    assert "<tool_call>" in coord.requests[0].messages[0].text
    assert [c.name for c in call.answer.calls] == [
        "f"
    ] and call.answer.finish_reason == "tool_calls"
    assert call.usage()["completion_tokens"] > 0


async def test_stop_ends_reading_early() -> None:
    coord = FakeCoordinator(_text("one ", "two ", "three ", "four"))
    call, outputs = await _run(coord, _req(stop=["two"]))
    assert "".join(o.text for o in outputs) == "one " and coord.closed == 1


async def test_one_repair_turn_then_the_good_reply() -> None:
    coord = FakeCoordinator(_text("no call"), _text(GOOD))
    call, outputs = await _run(coord, _req(tools=[TOOL], tool_choice="required"))
    assert len(coord.requests) == 2
    last = coord.requests[1].messages
    assert last[-2].text == "no call" and "not usable" in last[-1].text
    assert [c.name for c in call.answer.calls] == ["f"]
    assert [r.status for r in coord.records] == [200]  # the first upstream call is recorded


async def test_a_second_failure_is_a_422() -> None:
    coord = FakeCoordinator(_text("no call"), _text("still none"))
    call = await AgentCall.open(coord.submit, _req(tools=[TOOL], tool_choice="required"))
    with pytest.raises(UnusableReply):
        _ = [o async for o in call.outputs()]

"""Shaped outputs as chat chunks, completions chunks, Responses and Messages events."""

from __future__ import annotations

import json

from modules.errors import UnusableReply
from modules.openai_api.answer_shaper import Piece
from modules.openai_api.anthropic_stream import MessageEvents
from modules.openai_api.chat_output import ChatChunks, chat_completion
from modules.openai_api.chunks import ChunkBuilder
from modules.openai_api.responses_events import ResponseBuilder
from modules.openai_api.shaped_answer import Annotations, ShapedAnswer
from modules.openai_api.surfaces import (
    ChatSurface,
    CompletionsSurface,
    MessagesSurface,
    ResponsesSurface,
)
from modules.openai_api.tool_parse import ToolCall

USAGE = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
CALL = ToolCall("call_1", "f", '{"a":1}')


def _answer(
    text: str = "Hi", reasoning: str = "", calls: tuple[ToolCall, ...] = ()
) -> ShapedAnswer:
    answer = ShapedAnswer()
    if reasoning:
        answer.add(Piece("reasoning", reasoning))
    if text:
        answer.add(Piece("text", text))
    answer.calls = calls
    answer.finish_reason = "tool_calls" if calls else "stop"
    return answer


def test_chat_chunks_with_think_tags_tool_calls_and_usage() -> None:
    chunks = ChatChunks(ChunkBuilder("m", "id1", created=1), "think_tags", include_usage=True)
    surface = ChatSurface(chunks)
    out = (
        surface.opening()
        + surface.chunks(Piece("reasoning", "r"))
        + surface.chunks(Piece("text", "t"))
    )
    out += surface.chunks(Annotations(({"type": "url_citation"},)))
    out += surface.closing(_answer(calls=(CALL,)), USAGE)
    deltas = [p[1]["choices"][0]["delta"] if p[1]["choices"] else None for p in out]
    assert deltas[1] == {"content": "<think>r"} and deltas[2] == {"content": "</think>\n\nt"}
    assert deltas[3] == {"annotations": [{"type": "url_citation"}]}
    assert deltas[4]["tool_calls"][0]["function"]["name"] == "f"
    assert out[5][1]["choices"][0]["finish_reason"] == "tool_calls"
    assert out[6][1]["usage"] == USAGE and surface.done_marker


def test_chat_completion_message() -> None:
    body = chat_completion(_answer("", "why", (CALL,)), "both", "m", USAGE, "id1")
    message = body["choices"][0]["message"]
    assert message["content"] is None and message["tool_calls"][0]["id"] == "call_1"
    assert message["reasoning"] == message["reasoning_content"] == "why"
    assert (
        chat_completion(_answer(""), "both", "m", USAGE, "x")["choices"][0]["message"]["content"]
        == ""
    )


def test_completions_surface() -> None:
    surface = CompletionsSurface("m", "cmpl-1", echo="Once")
    texts = [
        p[1]["choices"][0]["text"]
        for p in surface.opening() + surface.chunks(Piece("text", " upon"))
    ]
    assert texts == ["Once", " upon"] and surface.chunks(Piece("reasoning", "r")) == []
    assert surface.closing(_answer(), USAGE)[0][1]["choices"][0]["finish_reason"] == "stop"


def test_responses_surface_names_events() -> None:
    surface = ResponsesSurface(ResponseBuilder({"model": "m"}))
    out = (
        surface.opening()
        + surface.chunks(Piece("text", "t"))
        + surface.closing(_answer("t"), USAGE)
    )
    assert out[0][0] == "response.created" and out[-1][0] == "response.completed"
    assert all(name == data["type"] for name, data in out)
    failed = ResponsesSurface(ResponseBuilder({"model": "m"})).failure(
        UnusableReply("bad", param="tools")
    )
    assert failed[0][0] == "response.failed"


def test_messages_surface_streams_as_the_pieces_come() -> None:
    surface = MessagesSurface(MessageEvents("m"), lambda: USAGE)
    assert surface.keepalive() == ("ping", {"type": "ping"})
    assert [name for name, _ in surface.opening()] == ["message_start", "ping"]
    first = surface.chunks(Piece("text", "t"))
    assert [name for name, _ in first] == ["content_block_start", "content_block_delta"]
    assert surface.chunks(Piece("reasoning", "r")) == []  # thinking was not asked for
    assert surface.chunks(Annotations(({"type": "url_citation"},))) == []
    names = [name for name, _ in surface.closing(_answer("t", calls=(CALL,)), USAGE)]
    assert names[0] == "content_block_stop" and names[-1] == "message_stop"
    error = surface.failure(UnusableReply("bad"))[0]
    assert error[0] == "error" and json.dumps(error[1])
    assert ChatSurface(ChatChunks(ChunkBuilder("m", "i"), "both", False)).keepalive() is None

"""Messages stream events built piece by piece: blocks open and close by kind, calls come
as tool_use blocks at the end, indexes count up, thinking only when asked for."""

from __future__ import annotations

import json
from typing import Any

from modules.openai_api.anthropic_stream import Event, MessageEvents
from modules.openai_api.tool_parse import ToolCall


def _short(events: list[Event]) -> list[tuple[str, Any]]:
    """(name, index or delta text) of each event, to compare sequences at a glance."""
    out: list[tuple[str, Any]] = []
    for name, data in events:
        assert data["type"] == name
        delta = data.get("delta", {})
        detail = delta.get("text") or delta.get("thinking") or delta.get("partial_json")
        out.append((name, detail if detail is not None else data.get("index")))
    return out


def test_a_streamed_answer_with_thinking_text_and_a_call() -> None:
    events = MessageEvents("m", thinking=True)
    out = events.start(12)
    assert out[0][1]["message"]["usage"] == {"input_tokens": 12, "output_tokens": 0}
    assert out[0][1]["message"]["content"] == [] and out[1][0] == "ping"
    out = events.thinking("hmm ") + events.thinking("yes") + events.text("Hel")
    out += events.text("") + events.text("lo")
    out += events.finish([ToolCall("call_1", "f", '{"a":1}')], "tool_calls", 7)
    assert _short(out) == [
        ("content_block_start", 0),
        ("content_block_delta", "hmm "),
        ("content_block_delta", "yes"),
        ("content_block_stop", 0),
        ("content_block_start", 1),
        ("content_block_delta", "Hel"),
        ("content_block_delta", "lo"),
        ("content_block_stop", 1),
        ("content_block_start", 2),
        ("content_block_delta", '{"a":1}'),
        ("content_block_stop", 2),
        ("message_delta", None),
        ("message_stop", None),
    ]
    assert out[0][1]["content_block"] == {"type": "thinking", "thinking": "", "signature": ""}
    assert out[8][1]["content_block"] == {
        "type": "tool_use",
        "id": "call_1",
        "name": "f",
        "input": {},
    }
    assert out[-2][1]["delta"]["stop_reason"] == "tool_use"
    assert out[-2][1]["usage"] == {"output_tokens": 7}
    assert all(json.dumps(data) for _, data in out)


def test_without_thinking_asked_reasoning_is_not_sent_and_an_empty_answer_has_no_block() -> None:
    events = MessageEvents("m")
    assert events.thinking("hidden") == []
    out = events.finish([], "length", 0)
    assert [name for name, _ in out] == ["message_delta", "message_stop"]
    assert out[0][1]["delta"]["stop_reason"] == "max_tokens"
    cut = MessageEvents("m").finish([], "stop", 1, "!")[0][1]["delta"]
    assert cut == {"stop_reason": "stop_sequence", "stop_sequence": "!"}


def test_an_error_event() -> None:
    name, data = MessageEvents.error("invalid_request_error", "bad")
    assert (name, data) == (
        "error",
        {"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}},
    )

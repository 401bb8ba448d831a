"""openai.reasoning_format: which fields carry the reasoning."""

from __future__ import annotations

from modules.openai_api.reasoning_format import ReasoningDeltas, message_fields


def test_message_fields_per_format() -> None:
    assert message_fields("both", "why", "answer") == {
        "content": "answer",
        "reasoning_content": "why",
        "reasoning": "why",
    }
    assert message_fields("reasoning", "why", "a") == {"content": "a", "reasoning": "why"}
    assert message_fields("reasoning_content", "why", "a") == {
        "content": "a",
        "reasoning_content": "why",
    }
    assert message_fields("think_tags", "why", "a") == {"content": "<think>why</think>\n\na"}
    assert message_fields("both", "", "a") == {"content": "a"}


def test_stream_deltas_with_think_tags_open_and_close_once() -> None:
    deltas = ReasoningDeltas("think_tags")
    out = [deltas.reasoning("a"), deltas.reasoning("b"), deltas.content("X"), deltas.content("Y")]
    assert [d["content"] for d in out] == ["<think>a", "b", "</think>\n\nX", "Y"]
    assert deltas.close() == ""


def test_stream_that_ends_inside_reasoning_closes_the_tag() -> None:
    deltas = ReasoningDeltas("think_tags")
    deltas.reasoning("only thoughts")
    assert deltas.close() == "</think>\n\n"


def test_stream_deltas_with_fields() -> None:
    assert ReasoningDeltas("both").reasoning("r") == {"reasoning_content": "r", "reasoning": "r"}
    assert ReasoningDeltas("reasoning").reasoning("r") == {"reasoning": "r"}
    assert ReasoningDeltas("both").content("c") == {"content": "c"}

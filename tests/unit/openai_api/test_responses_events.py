"""Responses API output: event order, items, and the SDK's own models accept them."""

from __future__ import annotations

from typing import Any

from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from modules.openai_api.responses_events import ResponseBuilder, responses_usage
from modules.openai_api.tool_parse import ToolCall

REQUEST: dict[str, Any] = {"model": "local-thinker", "input": "x", "instructions": "be nice"}
USAGE = responses_usage(3, 5, 2)
EVENTS: TypeAdapter[Any] = TypeAdapter(ResponseStreamEvent)


def _types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def _run(
    builder: ResponseBuilder,
    reasoning: list[str],
    text: list[str],
    calls: list[ToolCall],
    **kw: Any,
) -> list[dict[str, Any]]:
    events = builder.start()
    for piece in reasoning:
        events += builder.reasoning(piece)
    for piece in text:
        events += builder.text(piece)
    return events + builder.finish(calls, USAGE, **kw)


def test_text_stream_in_documented_order() -> None:
    events = _run(ResponseBuilder(REQUEST, "resp_1", 100), [], ["Hel", "lo"], [])
    assert _types(events) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert events[6]["text"] == "Hello"
    final = events[-1]["response"]
    assert final["status"] == "completed" and final["usage"] == USAGE
    assert final["output"][0]["content"][0]["text"] == "Hello"
    assert final["instructions"] == "be nice" and final["id"] == "resp_1"
    assert (
        events[0]["response"]["output"] == [] and events[0]["response"]["status"] == "in_progress"
    )


def test_reasoning_summary_then_text_then_calls() -> None:
    call = ToolCall("call_1", "get_time", '{"zone":"UTC"}')
    events = _run(ResponseBuilder(REQUEST), ["think", "ing"], ["ok"], [call])
    types = _types(events)
    assert types[2:9] == [
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
    ]
    assert types[-5:] == [
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    output = events[-1]["response"]["output"]
    assert [i["type"] for i in output] == ["reasoning", "message", "function_call"]
    assert output[0]["summary"] == [{"type": "summary_text", "text": "thinking"}]
    assert output[2]["call_id"] == "call_1" and output[2]["arguments"] == '{"zone":"UTC"}'
    assert [e["output_index"] for e in events if e["type"] == "response.output_item.done"] == [
        0,
        1,
        2,
    ]


def test_every_event_and_the_response_validate_against_the_sdk_models() -> None:
    call = ToolCall("call_1", "f", "{}")
    events = _run(ResponseBuilder(REQUEST), ["r"], ["t"], [call])
    for event in events:
        EVENTS.validate_python(event)
    Response.model_validate(events[-1]["response"])


def test_a_length_cut_ends_incomplete() -> None:
    events = _run(ResponseBuilder(REQUEST), [], ["cut"], [], incomplete="max_output_tokens")
    assert events[-1]["type"] == "response.incomplete"
    assert events[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}


def test_failure_event() -> None:
    builder = ResponseBuilder(REQUEST)
    builder.start()
    event = builder.fail({"message": "boom", "type": "upstream_error", "code": None})[0]
    assert event["type"] == "response.failed"
    assert event["response"]["error"] == {"code": "upstream_error", "message": "boom"}


def test_request_fields_are_echoed() -> None:
    raw = {
        **REQUEST,
        "store": False,
        "text": {"format": {"type": "json_object"}},
        "tools": [{"type": "function", "name": "f"}],
    }
    response = ResponseBuilder(raw).response
    assert response["store"] is False and response["text"] == {"format": {"type": "json_object"}}
    assert response["tools"] == raw["tools"] and response["tool_choice"] == "auto"
    assert response["id"].startswith("resp_")

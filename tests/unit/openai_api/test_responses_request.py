"""Responses API requests translated into chat-completions bodies."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest, NotFound
from modules.openai_api.responses_request import reusable_items, to_chat_body
from modules.openai_api.schema import validate_request

PNG = "data:image/png;base64,iVBORw0KGgo="


def _refused(raw: dict[str, Any]) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        to_chat_body(raw)
    return caught.value


def test_string_input_and_instructions() -> None:
    body = to_chat_body({"model": "m", "input": "Hi", "instructions": "Be brief.", "stream": True})
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ]
    assert body["stream"] is True and body["model"] == "m"


def test_items_messages_images_calls_and_outputs() -> None:
    raw = {
        "model": "m",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "Look"},
                    {"type": "input_image", "image_url": PNG},
                ],
            },
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Checking"}],
            },
            {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": '{"a":1}'},
            {"type": "function_call", "call_id": "call_2", "name": "g", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "one"},
            {
                "type": "function_call_output",
                "call_id": "call_2",
                "output": [{"type": "input_text", "text": "two"}],
            },
        ],
    }
    messages = to_chat_body(raw)["messages"]
    assert messages[0]["content"][1] == {"type": "image_url", "image_url": {"url": PNG}}
    assert messages[1]["content"] == [{"type": "text", "text": "Checking"}]
    assert [c["id"] for c in messages[1]["tool_calls"]] == ["call_1", "call_2"]
    assert messages[2:] == [
        {"role": "tool", "tool_call_id": "call_1", "content": "one"},
        {"role": "tool", "tool_call_id": "call_2", "content": "two"},
    ]


def test_a_call_with_no_assistant_text_starts_an_assistant_turn() -> None:
    raw = {
        "model": "m",
        "input": [
            {"role": "user", "content": "x"},
            {"type": "function_call", "call_id": "c", "name": "f"},
        ],
    }
    assert to_chat_body(raw)["messages"][1]["role"] == "assistant"


def test_previous_conversation_comes_after_instructions_and_before_input() -> None:
    previous = [{"role": "user", "content": "one"}, {"role": "assistant", "content": "1"}]
    body = to_chat_body({"model": "m", "input": "two", "instructions": "I"}, previous)
    assert [m["content"] for m in body["messages"]] == ["I", "one", "1", "two"]


def test_tools_choice_format_and_limits_map_to_chat_fields() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    raw = {
        "model": "m",
        "input": "x",
        "tools": [
            {
                "type": "function",
                "name": "f",
                "description": "d",
                "parameters": schema,
                "strict": True,
            }
        ],
        "tool_choice": {"type": "function", "name": "f"},
        "text": {
            "format": {"type": "json_schema", "name": "out", "schema": schema, "strict": True}
        },
        "max_output_tokens": 50,
        "parallel_tool_calls": False,
    }
    body = to_chat_body(raw)
    assert body["tools"] == [
        {"type": "function", "function": {"name": "f", "description": "d", "parameters": schema}}
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "out", "schema": schema, "strict": True},
    }
    assert body["max_tokens"] == 50 and body["parallel_tool_calls"] is False
    assert to_chat_body({"model": "m", "input": "x", "text": {"format": {"type": "text"}}})[
        "response_format"
    ] == {"type": "text"}


def test_the_translation_is_a_valid_chat_body() -> None:
    request = validate_request(
        to_chat_body({"model": "m", "input": [{"role": "user", "content": "x"}]})
    )
    assert request.messages[0].text == "x"


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        ({"model": "m"}, "input"),
        ({"model": "m", "input": []}, "input"),
        ({"model": "m", "input": "x", "background": True}, "background"),
        ({"model": "m", "input": [{"type": "unknown_item"}]}, "input[0].type"),
        ({"model": "m", "input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        (
            {
                "model": "m",
                "input": [{"role": "user", "content": [{"type": "input_file", "file_id": "f"}]}],
            },
            "input[0].content[0]",
        ),
        (
            {
                "model": "m",
                "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "f"}]}],
            },
            "input[0].content[0]",
        ),
        ({"model": "m", "input": [{"type": "function_call", "name": "f"}]}, "input[0]"),
        ({"model": "m", "input": "x", "tool_choice": {"type": "web_search"}}, "tool_choice"),
        ({"model": "m", "input": "x", "instructions": 5}, "instructions"),
    ],
)
def test_what_cannot_be_honoured_is_a_400_naming_the_field(raw: dict[str, Any], param: str) -> None:
    assert _refused(raw).param == param


def test_built_in_tools_are_passed_on_to_be_refused_by_type() -> None:
    body = to_chat_body({"model": "m", "input": "x", "tools": [{"type": "web_search"}]})
    assert body["tools"] == [{"type": "web_search"}]


def test_item_references_are_resolved_from_the_store() -> None:
    stored = {"msg_1": {"type": "message", "role": "assistant", "content": "Hi"}}
    raw = {
        "model": "m",
        "input": [
            {"role": "user", "content": "x"},
            {"type": "item_reference", "id": "msg_1"},
            {"role": "user", "content": "y"},
        ],
    }
    body = to_chat_body(raw, resolve=stored.get)
    assert [m["content"] for m in body["messages"]] == ["x", "Hi", "y"]
    with pytest.raises(NotFound) as caught:
        to_chat_body(
            {"model": "m", "input": [{"type": "item_reference", "id": "msg_2"}]}, resolve=stored.get
        )
    assert caught.value.param == "input[0]"


def test_reusable_items_of_a_response() -> None:
    response = {
        "output": [
            {"id": "rs_1", "type": "reasoning", "summary": []},
            {"id": "msg_1", "type": "message", "content": [{"type": "output_text", "text": "Hi"}]},
            {
                "id": "fc_1",
                "type": "function_call",
                "call_id": "c",
                "name": "f",
                "arguments": "{}",
                "status": "completed",
            },
        ]
    }
    items = reusable_items(response)
    assert items["msg_1"] == {"type": "message", "role": "assistant", "content": "Hi"}
    assert items["fc_1"] == {
        "type": "function_call",
        "call_id": "c",
        "name": "f",
        "arguments": "{}",
    }
    assert items["rs_1"] == {"type": "reasoning"}

"""The reply parser: each shape models produce, checked against the tools' schemas."""

from __future__ import annotations

import json

from modules.openai_api.tool_parse import ParsedReply, parse_reply
from tests.unit.openai_api.tool_fixtures import tool_set

TOOLS = tool_set()


def _calls(parsed: ParsedReply) -> list[tuple[str, dict[str, object]]]:
    return [(c.name, json.loads(c.arguments)) for c in parsed.calls]


def test_plain_text_stays_text() -> None:
    parsed = parse_reply("Paris is sunny today.", TOOLS)
    assert parsed == ParsedReply("Paris is sunny today.")


def test_tagged_block() -> None:
    parsed = parse_reply(
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>', TOOLS
    )
    assert _calls(parsed) == [("get_weather", {"city": "Paris"})]
    assert parsed.text == "" and parsed.problems == ()
    assert parsed.calls[0].id.startswith("call_") and len(parsed.calls[0].id) == 29
    assert parsed.calls[0].arguments == '{"city":"Paris"}'


def test_tagged_block_unclosed_and_fenced_inside() -> None:
    parsed = parse_reply(
        '<tool_call>\n```json\n{"name": "get_time", "arguments": {"zone": "UTC"}}\n```', TOOLS
    )
    assert _calls(parsed) == [("get_time", {"zone": "UTC"})]


def test_fenced_json_block() -> None:
    reply = 'Let me check.\n```json\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n```'
    parsed = parse_reply(reply, TOOLS)
    assert _calls(parsed) == [("get_weather", {"city": "Oslo"})]
    assert parsed.text == "Let me check."


def test_bare_json_object_with_name_and_arguments() -> None:
    parsed = parse_reply('{"name": "get_time", "arguments": {"zone": "CET"}}', TOOLS)
    assert _calls(parsed) == [("get_time", {"zone": "CET"})]


def test_text_before_the_call_is_kept_as_content() -> None:
    reply = 'I will look it up: {"name": "get_time", "arguments": {"zone": "CET"}} now'
    parsed = parse_reply(reply, TOOLS)
    assert _calls(parsed) == [("get_time", {"zone": "CET"})]
    assert parsed.text == "I will look it up:  now"


def test_several_calls_in_one_reply() -> None:
    reply = (
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>\n'
        '<tool_call>{"name": "get_time", "arguments": {"zone": "CET"}}</tool_call>'
    )
    parsed = parse_reply(reply, TOOLS)
    assert _calls(parsed) == [("get_weather", {"city": "Rome"}), ("get_time", {"zone": "CET"})]
    assert len({c.id for c in parsed.calls}) == 2


def test_a_list_and_openai_shapes_and_string_arguments() -> None:
    reply = json.dumps(
        {
            "tool_calls": [
                {
                    "type": "function",
                    "function": {"name": "get_time", "arguments": '{"zone": "UTC"}'},
                },
                {"name": "get_weather", "parameters": {"city": "Lima"}},
            ]
        }
    )
    assert _calls(parse_reply(reply, TOOLS)) == [
        ("get_time", {"zone": "UTC"}),
        ("get_weather", {"city": "Lima"}),
    ]


def test_parallel_off_keeps_the_first_call() -> None:
    reply = (
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>'
        '<tool_call>{"name": "get_time", "arguments": {"zone": "CET"}}</tool_call>'
    )
    assert _calls(parse_reply(reply, tool_set(parallel=False))) == [
        ("get_weather", {"city": "Rome"})
    ]


def test_json_that_names_no_tool_stays_text() -> None:
    reply = 'Here is JSON: {"name": "Ada", "arguments": {"x": 1}}'
    assert parse_reply(reply, TOOLS) == ParsedReply(reply)
    fenced = '```json\n{"a": 1}\n```'
    assert parse_reply(fenced, TOOLS) == ParsedReply(fenced)


def test_arguments_are_validated_against_the_schema() -> None:
    parsed = parse_reply(
        '<tool_call>{"name": "get_weather", "arguments": {"city": 5, "unit": "k"}}</tool_call>',
        TOOLS,
    )
    assert parsed.calls == ()
    assert len(parsed.problems) == 1 and "get_weather" in parsed.problems[0]
    assert "city" in parsed.problems[0] or "unit" in parsed.problems[0]


def test_problems_inside_tagged_blocks_are_reported() -> None:
    parsed = parse_reply(
        "<tool_call>not json</tool_call>"
        '<tool_call>{"name": "launch", "arguments": {}}</tool_call>'
        '<tool_call>{"name": "get_time", "arguments": "{broken"}</tool_call>',
        TOOLS,
    )
    assert parsed.calls == ()
    assert "not json" in parsed.problems[0]
    assert "'launch' is not a tool" in parsed.problems[1]
    assert "not a JSON object" in parsed.problems[2]


def test_a_named_choice_allows_only_that_tool() -> None:
    named = tool_set(choice={"type": "function", "function": {"name": "get_time"}})
    parsed = parse_reply(
        '<tool_call>{"name": "get_weather", "arguments": {"city": "X"}}</tool_call>', named
    )
    assert parsed.calls == () and "allowed: get_time" in parsed.problems[0]

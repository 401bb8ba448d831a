"""The arena's agent and json models follow the bridge's contracts, read as prompt text."""

from __future__ import annotations

import json
from typing import Any

from modules.local_arena.agent_replies import agent_reply, example_value, json_reply
from modules.local_arena.body_legacy import conversation_text
from modules.local_arena.replies import ReplyInput
from modules.local_arena.reply_registry import reply_text
from modules.openai_api.json_schema import first_problem
from modules.openai_api.structured_output import JsonFormat, json_instruction, judge_json_reply
from modules.openai_api.tool_contract import format_result, render_contract
from modules.openai_api.tool_parse import parse_reply
from tests.unit.openai_api.tool_fixtures import TIME, WEATHER, tool_set

NESTED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 20},
        "age": {"type": "integer", "minimum": 18},
        "score": {"type": "number", "exclusiveMinimum": 0.5},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
        "kind": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]},
        "address": {"type": "object", "properties": {"zip": {"type": ["string", "null"]}}},
        "ok": {"type": "boolean"},
    },
    "required": ["name", "age", "score", "tags", "kind", "address", "ok"],
}


def _prompt(contract: str, user: str) -> str:
    return f"{contract}\n\n{user}"


def test_agent_calls_the_tool_the_user_names_with_valid_arguments() -> None:
    tools = tool_set()
    reply = agent_reply(
        _prompt(render_contract(tools), "What is get_time in UTC?"), "What is get_time in UTC?"
    )
    parsed = parse_reply(reply, tools)
    assert parsed.problems == () and [c.name for c in parsed.calls] == ["get_time"]
    assert parsed.text == "I will call get_time."


def test_agent_obeys_a_forced_tool_and_defaults_to_the_first() -> None:
    forced = tool_set(choice={"type": "function", "function": {"name": "get_time"}})
    assert "get_time" in agent_reply(render_contract(forced), "weather?")
    plain = parse_reply(agent_reply(render_contract(tool_set()), "hi"), tool_set())
    assert [c.name for c in plain.calls] == ["get_weather"]
    assert json.loads(plain.calls[0].arguments) == {"city": "city-example", "unit": "c"}


def test_agent_answers_plainly_after_a_tool_result() -> None:
    last = "User: " + format_result("get_time", "call_1", "12:00")
    prompt = _prompt(render_contract(tool_set(WEATHER, TIME)), "Assistant: ...\n\n" + last)
    assert agent_reply(prompt, prompt) == "The tool get_time returned: 12:00"


def test_agent_without_tools_and_the_break_switch() -> None:
    assert "offer me tools" in agent_reply("hello", "hello")
    tools = tool_set()
    broken = parse_reply(agent_reply(render_contract(tools), "BREAK_REPLY"), tools)
    assert broken.problems
    repaired = "BREAK_REPLY\nYour last reply was not usable: ..."
    assert parse_reply(agent_reply(render_contract(tools), repaired), tools).calls


def test_json_model_answers_with_fenced_json_the_bridge_accepts() -> None:
    fmt = JsonFormat("json_schema", "person", NESTED)
    prompt = _prompt(json_instruction(fmt), "Describe someone.")
    reply = json_reply(prompt, "Describe someone.")
    assert reply.startswith("```json\n")
    assert isinstance(judge_json_reply(reply, fmt, 0), str)
    plain = json_reply(json_instruction(JsonFormat("json_object")), "Hi there")
    assert json.loads(plain.strip("`json\n")) == {"answer": "Hi there"}
    assert "prose" in json_reply("x", "BREAK_REPLY")


def test_example_values_match_their_schemas() -> None:
    assert first_problem(example_value(NESTED), NESTED) is None
    assert example_value({"const": 3}) == 3


def test_registry_and_conversation_text() -> None:
    assert (
        reply_text(ReplyInput("local-echo-1", "hi", (), 0, "whole")) == "Echo from local-echo-1: hi"
    )
    assert "offer me tools" in reply_text(ReplyInput("local-agent", "hi", (), 0, "whole"))
    body = {"messages": [{"content": "a"}, {"content": "b"}, {"content": ""}]}
    assert conversation_text(body) == "a\n\nb"
    assert conversation_text({}) == ""

"""tool_choice enforcement: accept, one repair turn, then a clear 422."""

from __future__ import annotations

import pytest

from modules.errors import UnusableReply
from modules.openai_api.repair import Repair
from modules.openai_api.tool_parse import parse_reply
from modules.openai_api.tool_policy import judge_tool_reply
from tests.unit.openai_api.tool_fixtures import tool_set

CALL = '<tool_call>{"name": "get_time", "arguments": {"zone": "UTC"}}</tool_call>'


def test_a_valid_call_or_plain_text_under_auto_is_accepted() -> None:
    tools = tool_set()
    assert judge_tool_reply(parse_reply(CALL, tools), tools, 0) is None
    assert judge_tool_reply(parse_reply("No tool needed.", tools), tools, 0) is None


def test_required_without_a_call_gets_one_repair_then_fails() -> None:
    tools = tool_set(choice="required")
    repair = judge_tool_reply(parse_reply("Just text.", tools), tools, 0)
    assert isinstance(repair, Repair)
    assert (
        "requires at least one call" in repair.instruction and "<tool_call>" in repair.instruction
    )
    with pytest.raises(UnusableReply) as caught:
        judge_tool_reply(parse_reply("Still text.", tools), tools, 1)
    assert caught.value.status == 422 and caught.value.param == "tool_choice"
    assert caught.value.code == "tool_call_invalid"


def test_named_choice_names_the_function() -> None:
    tools = tool_set(choice={"type": "function", "function": {"name": "get_weather"}})
    repair = judge_tool_reply(parse_reply("text", tools), tools, 0)
    assert isinstance(repair, Repair) and '"get_weather"' in repair.instruction


def test_invalid_arguments_are_repaired_then_refused() -> None:
    tools = tool_set()
    bad = parse_reply('<tool_call>{"name": "get_time", "arguments": {}}</tool_call>', tools)
    repair = judge_tool_reply(bad, tools, 0)
    assert isinstance(repair, Repair) and "'zone' is a required property" in repair.instruction
    with pytest.raises(UnusableReply) as caught:
        judge_tool_reply(bad, tools, 1)
    assert caught.value.param == "tools" and "zone" in caught.value.message

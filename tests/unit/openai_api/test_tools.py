"""Validation of `tools` / `tool_choice`, and the prompt contract rendered from them."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.tool_contract import format_call, format_result, render_contract
from modules.openai_api.tools import parse_tool_set
from tests.unit.openai_api.tool_fixtures import TIME, WEATHER, tool, tool_set


def _refused(tools: list[Any], choice: object = None) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        parse_tool_set(tools, choice)
    return caught.value


def test_no_tools_means_no_tool_set() -> None:
    assert parse_tool_set(None) is None
    assert parse_tool_set([], "auto") is None


def test_tool_choice_without_tools_is_refused() -> None:
    assert _refused([], "required").param == "tool_choice"


def test_choices() -> None:
    assert tool_set().mode == "auto"
    assert tool_set(choice="required").must_call
    named = tool_set(choice={"type": "function", "function": {"name": "get_time"}})
    assert (named.mode, named.forced_name) == ("named", "get_time")
    assert [t.name for t in named.offered] == ["get_time"]
    assert tool_set(choice="none").offered == ()


def test_named_choice_must_be_a_declared_tool() -> None:
    err = _refused([WEATHER], {"type": "function", "function": {"name": "nope"}})
    assert err.param == "tool_choice" and "nope" in err.message


def test_invalid_json_schema_names_the_field() -> None:
    bad = {"type": "function", "function": {"name": "x", "parameters": {"type": "objekt"}}}
    err = _refused([WEATHER, bad])
    assert err.param == "tools[1].function.parameters"
    assert "objekt" in err.message


def test_unsatisfiable_parameters_are_refused() -> None:
    params = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}},
        "required": ["n"],
    }
    err = _refused([{"type": "function", "function": {"name": "x", "parameters": params}}])
    assert err.param == "tools[0].function.parameters" and "minimum" in err.message


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        ({"type": "web_search"}, "tools[0].type"),
        ({"type": "function"}, "tools[0]"),
        ({"type": "function", "function": {"name": "has space"}}, "tools[0].function.name"),
        ("get_weather", "tools[0]"),
    ],
)
def test_bad_tool_definitions(raw: Any, param: str) -> None:
    assert _refused([raw]).param == param


def test_duplicate_names_are_refused() -> None:
    assert _refused([WEATHER, WEATHER]).param == "tools"


def test_contract_lists_each_tool_with_its_compact_schema() -> None:
    contract = render_contract(tool_set())
    assert "<tool_call>" in contract and "</tool_call>" in contract
    assert "- get_weather: Current weather for a city." in contract
    assert '"required":["city"]' in contract and '"enum":["c","f"]' in contract
    assert "- get_time:" in contract
    assert "answer normally" in contract


def test_contract_follows_the_choice() -> None:
    assert "must call a tool" in render_contract(tool_set(choice="required"))
    named = render_contract(tool_set(choice={"type": "function", "function": {"name": "get_time"}}))
    assert 'must call the tool "get_time"' in named and "get_weather" not in named
    assert "at most one tool" in render_contract(tool_set(parallel=False))
    assert render_contract(tool_set(choice="none")) == ""


def test_contract_drops_schema_titles_but_not_properties_named_title() -> None:
    params = {
        "title": "Args",
        "type": "object",
        "properties": {"title": {"title": "Title", "type": "string"}},
    }
    contract = render_contract(
        tool_set({"type": "function", "function": {"name": "t", "parameters": params}})
    )
    assert '{"type":"object","properties":{"title":{"type":"string"}}}' in contract


def test_contract_size_stays_small() -> None:
    # The site refuses long prompts (429 "prompt failed"): the fixed part must stay short.
    one = render_contract(tool_set(tool("search")))
    five = render_contract(tool_set(*(tool(f"tool_{n}") for n in range(5))))
    per_tool = (len(five) - len(one)) / 4
    assert len(one) < 600, len(one)
    assert per_tool < 150, per_tool


def test_history_formats_match_the_contract() -> None:
    assert format_call("get_time", {"zone": "UTC"}) == (
        '<tool_call>{"name": "get_time", "arguments": {"zone": "UTC"}}</tool_call>'
    )
    assert format_result("get_time", "call_1", "12:00") == (
        '<tool_result name="get_time" id="call_1">12:00</tool_result>'
    )
    assert TIME["function"]["name"] == "get_time"

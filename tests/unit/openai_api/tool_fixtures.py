"""Tool definitions shared by the tool-calling unit tests."""

from __future__ import annotations

from typing import Any

from modules.openai_api.tools import ToolSet, parse_tool_set

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
TIME: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Local time in a time zone.",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string"}},
            "required": ["zone"],
        },
    },
}


def tool(name: str, description: str = "Does a thing.") -> dict[str, Any]:
    """A small function tool with one required string argument."""
    parameters = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


def tool_set(
    *tools: dict[str, Any], choice: object = None, parallel: bool | None = None
) -> ToolSet:
    """A validated ToolSet (WEATHER and TIME when no tools are given)."""
    result = parse_tool_set(list(tools or (WEATHER, TIME)), choice, parallel)
    assert result is not None
    return result

"""Tool calls in OpenAI's response shapes: the message's `tool_calls` and stream deltas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from modules.openai_api.tool_parse import ToolCall


def message_tool_calls(calls: Sequence[ToolCall]) -> list[dict[str, Any]]:
    """The `tool_calls` list of a non-stream assistant message."""
    return [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for c in calls
    ]


def tool_call_deltas(calls: Sequence[ToolCall]) -> list[dict[str, Any]]:
    """One stream delta per call, each whole (id, name and all arguments at once).

    OpenAI splits arguments over several deltas; clients accumulate by `index`, so one
    delta per call is valid and the arguments arrive already checked against the schema.
    """
    return [
        {"tool_calls": [{"index": index, **call}]}
        for index, call in enumerate(message_tool_calls(calls))
    ]

"""Tool calls in OpenAI response shapes."""

from __future__ import annotations

from modules.openai_api.tool_chunks import message_tool_calls, tool_call_deltas
from modules.openai_api.tool_parse import ToolCall

CALLS = [ToolCall("call_1", "a", "{}"), ToolCall("call_2", "b", '{"x":1}')]


def test_message_shape() -> None:
    assert message_tool_calls(CALLS)[1] == {
        "id": "call_2",
        "type": "function",
        "function": {"name": "b", "arguments": '{"x":1}'},
    }


def test_stream_deltas_carry_an_index_each() -> None:
    deltas = tool_call_deltas(CALLS)
    assert [d["tool_calls"][0]["index"] for d in deltas] == [0, 1]
    assert deltas[0]["tool_calls"][0]["function"]["name"] == "a"

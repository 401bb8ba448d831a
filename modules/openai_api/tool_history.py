"""Tool turns in the history, as text the site can carry (it knows system/user/assistant).

- An assistant message with `tool_calls` becomes assistant text: its content, then each
  call in the contract's `<tool_call>` shape (so the model sees its own past calls).
- `role: "tool"` messages become one user message of `<tool_result>` blocks (consecutive
  results are joined); each must answer a call made earlier in the conversation.
- The contract goes in as a system message after the client's leading system messages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from modules.errors import BadRequest
from modules.openai_api.schema import ChatMessage
from modules.openai_api.tool_contract import format_call, format_result
from modules.util.clip import quoted


def render_tool_turns(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    """The messages with tool calls and results rendered as plain text turns."""
    names: dict[str, str] = {}  # call id -> tool name, for calls made so far
    out: list[ChatMessage] = []
    results: list[str] = []
    for index, message in enumerate(messages):
        if message.role == "tool":
            results.append(_result(message, index, names))
            continue
        if results:
            out.append(ChatMessage(role="user", content="\n".join(results)))
            results = []
        if message.role == "assistant" and message.tool_calls:
            out.append(_assistant_calls(message, names))
        else:
            out.append(message)
    if results:
        out.append(ChatMessage(role="user", content="\n".join(results)))
    return out


def with_contract(messages: Sequence[ChatMessage], contract: str) -> list[ChatMessage]:
    """Insert the contract as a system message after the leading system/developer ones."""
    out = list(messages)
    if not contract:
        return out
    at = 0
    while at < len(out) and out[at].role in ("system", "developer"):
        at += 1
    out.insert(at, ChatMessage(role="system", content=contract))
    return out


def _assistant_calls(message: ChatMessage, names: dict[str, str]) -> ChatMessage:
    parts = [message.text] if message.text else []
    for call in message.tool_calls or ():
        names[call.id] = call.function.name
        parts.append(format_call(call.function.name, _arguments(call.function.arguments)))
    return ChatMessage(role="assistant", content="\n".join(parts))


def _arguments(encoded: str) -> dict[str, object]:
    try:
        value = json.loads(encoded or "{}")
    except ValueError:
        return {"_raw": encoded}  # shown as the client sent it; the model wrote it so
    return value if isinstance(value, dict) else {"_value": value}


def _result(message: ChatMessage, index: int, names: dict[str, str]) -> str:
    call_id = message.tool_call_id
    if not call_id:
        raise BadRequest(
            f"Missing required parameter: 'messages[{index}].tool_call_id'.",
            param=f"messages[{index}].tool_call_id",
        )
    name = names.get(call_id)
    if name is None:
        raise BadRequest(
            f"Invalid 'messages[{index}].tool_call_id': {quoted(call_id)} answers no tool call "
            "made by an earlier assistant message.",
            param=f"messages[{index}].tool_call_id",
        )
    return format_result(name, call_id, message.text)

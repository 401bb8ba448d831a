"""`POST /v1/messages` (Anthropic Messages) on the chat path: text, images and tool use.

In: `system` (string or text blocks), `messages` with string or block content (`text`,
`image` base64, `tool_use` in assistant turns, `tool_result` in user turns), `tools`
(`input_schema`), `tool_choice` (`auto`/`any`/`tool`/`none`), `max_tokens`,
`stop_sequences`, `stream`. Out: the `message` object, or its stream events
(message_start, content_block_start/delta/stop, message_delta, message_stop).
Errors keep the OpenAI shape the rest of the API uses (status codes are the same).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from modules.errors import BadRequest
from modules.openai_api.ids import new_id
from modules.openai_api.tool_parse import ToolCall
from modules.util.clip import quoted

_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


def to_chat_body(raw: object) -> dict[str, Any]:
    """The chat-completions body for a Messages request."""
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    body: dict[str, Any] = {"model": raw.get("model"), "messages": _messages(raw)}
    body["stream"] = bool(raw.get("stream"))
    for ours, theirs in (("max_tokens", "max_tokens"), ("stop", "stop_sequences")):
        if raw.get(theirs) is not None:
            body[ours] = raw[theirs]
    body.update({k: raw[k] for k in ("temperature", "top_p") if k in raw})
    if raw.get("tools"):
        body.update(_tools(raw["tools"], raw.get("tool_choice")))
    return body


def _messages(raw: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if raw.get("system"):
        messages.append({"role": "system", "content": _plain(raw["system"], "system")})
    if not isinstance(raw.get("messages"), list) or not raw["messages"]:
        raise BadRequest("Missing required parameter: 'messages'.", param="messages")
    for index, message in enumerate(raw["messages"]):
        messages.extend(_message(message, f"messages[{index}]"))
    return messages


def _tools(tools: list[Any], choice: object) -> dict[str, Any]:
    out: dict[str, Any] = {"tools": [_tool(t) for t in tools], "tool_choice": _tool_choice(choice)}
    if isinstance(choice, dict) and choice.get("disable_parallel_tool_use"):
        out["parallel_tool_calls"] = False
    return out


def _plain(value: object, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(b.get("text", "") for b in value if isinstance(b, dict))
    raise BadRequest(f"Invalid '{where}': a string or a list of text blocks.", param=where)


def _message(message: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise BadRequest(f"Invalid '{where}.role': 'user' or 'assistant'.", param=f"{where}.role")
    role, content = message["role"], message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    if not isinstance(content, list):
        raise BadRequest(f"Missing required parameter: '{where}.content'.", param=where)
    if role == "assistant":
        return [_assistant(content, where)]
    return _user(content, where)


def _assistant(blocks: list[Any], where: str) -> dict[str, Any]:
    texts, calls = [], []
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(block.get("text", ""))
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False)
            function = {"name": block.get("name"), "arguments": arguments}
            calls.append({"id": block.get("id"), "type": "function", "function": function})
        elif kind not in ("thinking", "redacted_thinking"):
            raise BadRequest(f"Unsupported block type {quoted(kind)} in '{where}'.", param=where)
    message: dict[str, Any] = {"role": "assistant", "content": "\n".join(texts) or None}
    if calls:
        message["tool_calls"] = calls
    return message


def _user(blocks: list[Any], where: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            parts.append({"type": "image_url", "image_url": {"url": _image_url(block, where)}})
        elif kind == "tool_result":
            content = _plain(block.get("content") or "", f"{where}.content")
            results.append(
                {"role": "tool", "tool_call_id": block.get("tool_use_id"), "content": content}
            )
        else:
            raise BadRequest(f"Unsupported block type {quoted(kind)} in '{where}'.", param=where)
    return results + ([{"role": "user", "content": parts}] if parts else [])


def _image_url(block: dict[str, Any], where: str) -> str:
    source = block.get("source") or {}
    if source.get("type") == "base64":
        return f"data:{source.get('media_type')};base64,{source.get('data')}"
    if source.get("type") == "url" and isinstance(source.get("url"), str):
        return str(source["url"])
    raise BadRequest(f"Unsupported image source in '{where}'.", param=where)


def _tool(tool: object) -> dict[str, Any]:
    if not isinstance(tool, dict) or "input_schema" not in tool:
        kind = tool.get("type") if isinstance(tool, dict) else None
        return {"type": kind or "unknown"}  # refused by the tools check, naming the field
    function = {k: tool[k] for k in ("name", "description") if k in tool}
    return {"type": "function", "function": {**function, "parameters": tool["input_schema"]}}


def _tool_choice(choice: object) -> object:
    if not isinstance(choice, dict):
        return "auto"
    kind = choice.get("type")
    if kind == "tool":
        return {"type": "function", "function": {"name": choice.get("name")}}
    return {"any": "required", "none": "none"}.get(str(kind), "auto")


def message_object(
    model: str, text: str, calls: Sequence[ToolCall], finish_reason: str, usage: dict[str, int]
) -> dict[str, Any]:
    """The non-stream Messages response."""
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content_blocks(text, calls),
        "stop_reason": _STOP_REASONS.get(finish_reason, "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": usage["prompt_tokens"],
            "output_tokens": usage["completion_tokens"],
        },
    }


def content_blocks(text: str, calls: Sequence[ToolCall]) -> list[dict[str, Any]]:
    """A text block (if any text) and one `tool_use` block per call."""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    for call in calls:
        arguments = json.loads(call.arguments or "{}")
        blocks.append({"type": "tool_use", "id": call.id, "name": call.name, "input": arguments})
    return blocks


def stream_events(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A finished message as the (event name, data) pairs of a Messages stream."""
    start = {**message, "content": [], "stop_reason": None}
    start["usage"] = {**message["usage"], "output_tokens": 0}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"message": start})]
    for index, block in enumerate(message["content"]):
        events += _block_events(index, block)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    usage = {"output_tokens": message["usage"]["output_tokens"]}
    events.append(("message_delta", {"delta": delta, "usage": usage}))
    events.append(("message_stop", {}))
    return [(name, {"type": name, **data}) for name, data in events]


def _block_events(index: int, block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    empty: dict[str, Any]
    if block["type"] == "text":
        empty = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block["text"]}
    else:
        empty = {**block, "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
    return [
        ("content_block_start", {"index": index, "content_block": empty}),
        ("content_block_delta", {"index": index, "delta": delta}),
        ("content_block_stop", {"index": index}),
    ]

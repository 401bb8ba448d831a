"""`POST /v1/messages` (Anthropic Messages) on the chat path: text, images and tool use.

In: `system` (string or text blocks), `messages` with string or block content (`text`,
`image` base64, `tool_use` in assistant turns, `tool_result` in user turns), `tools`
(`input_schema`), `tool_choice` (`auto`/`any`/`tool`/`none`), `max_tokens`,
`stop_sequences`, `stream`, `thinking` (`enabled`: the reasoning of a reasoning model as
`thinking` blocks). Out: the `message` object; its stream events are built as the answer
streams (`anthropic_stream`).
Errors keep the OpenAI shape the rest of the API uses (status codes are the same).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from modules.errors import BadRequest
from modules.openai_api.anthropic_stream import stop_reason
from modules.openai_api.ids import new_id
from modules.openai_api.shaped_answer import ShapedAnswer
from modules.openai_api.tool_parse import ToolCall
from modules.util.clip import quoted


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


def wants_thinking(raw: dict[str, Any]) -> bool:
    """Whether the request asks for thinking blocks (`thinking: {"type": "enabled"}`)."""
    thinking = raw.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") == "enabled"


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
    model: str, answer: ShapedAnswer, usage: dict[str, int], *, thinking: bool = False
) -> dict[str, Any]:
    """The non-stream Messages response (`thinking`: the client asked for thinking blocks)."""
    reasoning = answer.reasoning_text if thinking else ""
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content_blocks(answer.text, answer.calls, reasoning),
        "stop_reason": stop_reason(answer.finish_reason, answer.stop_sequence),
        "stop_sequence": answer.stop_sequence,
        "usage": {
            "input_tokens": usage["prompt_tokens"],
            "output_tokens": usage["completion_tokens"],
        },
    }


def content_blocks(
    text: str, calls: Sequence[ToolCall], thinking: str = ""
) -> list[dict[str, Any]]:
    """A thinking block and a text block (each if any), and one `tool_use` block per call."""
    blocks: list[dict[str, Any]] = []
    if thinking:
        blocks.append({"type": "thinking", "thinking": thinking, "signature": ""})
    if text:
        blocks.append({"type": "text", "text": text})
    for call in calls:
        arguments = json.loads(call.arguments or "{}")
        blocks.append({"type": "tool_use", "id": call.id, "name": call.name, "input": arguments})
    return blocks

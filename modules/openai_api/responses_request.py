"""`POST /v1/responses` bodies translated into chat-completions bodies (one path upstream).

Input items: messages (string or `input_text` / `input_image` / `output_text` parts),
`function_call` (joins the assistant turn before it), `function_call_output` (a `tool`
message), `reasoning` (dropped: the site cannot take it back). `instructions` become the
first system message; `previous_response_id`'s stored conversation comes before `input`.
Function tools, `tool_choice`, `text.format` and `max_output_tokens` map to their chat
fields; what cannot be honoured (`background`, file inputs, `item_reference`, built-in
tools) is a 400 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from modules.errors import BadRequest, NotFound
from modules.openai_api.tool_chunks import message_tool_calls
from modules.openai_api.tool_parse import ToolCall
from modules.util.clip import quoted

_ROLES = ("user", "assistant", "system", "developer")
_PASSED = ("model", "stream", "temperature", "top_p", "user", "parallel_tool_calls")


Resolve = Callable[[str], "dict[str, Any] | None"]  # item id -> stored input item


def _no_items(_item_id: str) -> dict[str, Any] | None:
    return None


def to_chat_body(
    raw: object, previous: Sequence[dict[str, Any]] = (), resolve: Resolve = _no_items
) -> dict[str, Any]:
    """The chat-completions body for a Responses request (after the store's `previous`;
    `item_reference`s are looked up with `resolve`)."""
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    if raw.get("background"):
        raise BadRequest("background responses are not supported.", param="background")
    messages: list[dict[str, Any]] = []
    if raw.get("instructions"):
        messages.append({"role": "system", "content": _string(raw, "instructions")})
    messages.extend(previous)
    messages.extend(input_messages(raw.get("input"), resolve))
    body: dict[str, Any] = {k: raw[k] for k in _PASSED if k in raw}
    body["messages"] = messages
    if raw.get("max_output_tokens") is not None:
        body["max_tokens"] = raw["max_output_tokens"]
    if raw.get("tools"):
        body["tools"] = [_tool(t) for t in _list(raw, "tools")]
    if raw.get("tool_choice") is not None:
        body["tool_choice"] = _tool_choice(raw["tool_choice"])
    fmt = (raw.get("text") or {}).get("format") if isinstance(raw.get("text"), dict) else None
    if fmt is not None:
        body["response_format"] = _response_format(fmt)
    return body


def input_messages(raw_input: object, resolve: Resolve = _no_items) -> list[dict[str, Any]]:
    """The chat messages of a Responses `input` (a string or a list of items)."""
    if isinstance(raw_input, str):
        return [{"role": "user", "content": raw_input}]
    if not isinstance(raw_input, list) or not raw_input:
        raise BadRequest("Missing required parameter: 'input'.", param="input")
    messages: list[dict[str, Any]] = []
    for index, item in enumerate(raw_input):
        where = f"input[{index}]"
        if isinstance(item, dict) and item.get("type") == "item_reference":
            item = _referenced(item, resolve, where)
        _add_item(messages, item, where)
    return messages


def _referenced(item: dict[str, Any], resolve: Resolve, where: str) -> dict[str, Any]:
    found = resolve(str(item.get("id")))
    if found is None:
        raise NotFound(
            f"Item with id {quoted(item.get('id'))} not found (unknown, expired, or stored with "
            "store: false).",
            param=where,
        )
    return found


def _add_item(messages: list[dict[str, Any]], item: object, where: str) -> None:
    if not isinstance(item, dict):
        raise BadRequest(f"Invalid '{where}': must be an object.", param=where)
    kind = item.get("type", "message")
    if kind == "message":
        messages.append(_message(item, where))
    elif kind == "function_call":
        _add_call(messages, item, where)
    elif kind == "function_call_output":
        output = item.get("output")
        text = output if isinstance(output, str) else _parts_text(output, f"{where}.output")
        messages.append({"role": "tool", "tool_call_id": item.get("call_id"), "content": text})
    elif kind != "reasoning":
        raise BadRequest(
            f"Input items of type {quoted(kind)} are not supported ('{where}.type').",
            param=f"{where}.type",
        )


def _message(item: dict[str, Any], where: str) -> dict[str, Any]:
    role = item.get("role")
    if role not in _ROLES:
        raise BadRequest(f"Invalid '{where}.role': {quoted(role)}.", param=f"{where}.role")
    content = item.get("content")
    if isinstance(content, str):
        return {"role": role, "content": content}
    if not isinstance(content, list):
        raise BadRequest(f"Missing required parameter: '{where}.content'.", param=where)
    return {
        "role": role,
        "content": [_part(p, f"{where}.content[{i}]") for i, p in enumerate(content)],
    }


def _part(part: object, where: str) -> dict[str, Any]:
    kind = part.get("type") if isinstance(part, dict) else None
    if isinstance(part, dict) and kind in ("input_text", "output_text", "text", "refusal"):
        text = part.get("text", part.get("refusal"))
        return {"type": "text", "text": text if isinstance(text, str) else ""}
    if isinstance(part, dict) and kind == "input_image":
        url = part.get("image_url")
        if not isinstance(url, str) or not url:
            raise BadRequest(
                f"'{where}' needs an 'image_url' (file_id is not supported).", param=where
            )
        return {"type": "image_url", "image_url": {"url": url}}
    raise BadRequest(f"Unsupported content part type {quoted(kind)} in '{where}'.", param=where)


def _parts_text(parts: object, where: str) -> str:
    if not isinstance(parts, list):
        raise BadRequest(f"Invalid '{where}': a string or a list of parts.", param=where)
    texts = [_part(p, f"{where}[{i}]") for i, p in enumerate(parts)]
    return "\n".join(t["text"] for t in texts if t["type"] == "text")


def _add_call(messages: list[dict[str, Any]], item: dict[str, Any], where: str) -> None:
    call_id, name = item.get("call_id"), item.get("name")
    if not isinstance(call_id, str) or not isinstance(name, str):
        raise BadRequest(f"'{where}' needs 'call_id' and 'name'.", param=where)
    arguments = item.get("arguments", "")
    call = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
    last = messages[-1] if messages else None
    if last is not None and last["role"] == "assistant":
        last.setdefault("tool_calls", []).append(call)
    else:
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})


def _tool(tool: object) -> dict[str, Any]:
    if not isinstance(tool, dict) or tool.get("type") != "function":
        kind = tool.get("type") if isinstance(tool, dict) else None
        return {"type": kind}  # refused by the tools check with the field named
    function = {k: tool[k] for k in ("name", "description", "parameters") if k in tool}
    return {"type": "function", "function": function}


def _tool_choice(choice: object) -> object:
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    if isinstance(choice, dict):
        raise BadRequest(
            f"tool_choice of type {quoted(choice.get('type'))} is not supported.",
            param="tool_choice",
        )
    return choice


def _response_format(fmt: object) -> dict[str, Any]:
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return fmt if isinstance(fmt, dict) else {"type": fmt}
    spec = {k: fmt[k] for k in ("name", "schema", "strict", "description") if k in fmt}
    return {"type": "json_schema", "json_schema": spec}


def _string(raw: dict[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str):
        raise BadRequest(f"Invalid '{key}': must be a string.", param=key)
    return value


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw[key]
    if not isinstance(value, list):
        raise BadRequest(f"Invalid '{key}': must be a list.", param=key)
    return value


def stored_conversation(
    raw: dict[str, Any],
    previous: Sequence[dict[str, Any]],
    text: str,
    calls: Sequence[ToolCall],
) -> list[dict[str, Any]]:
    """The chat messages to keep for a later `previous_response_id`: the earlier ones, this
    input and this output; no instructions (a later request brings its own, as on OpenAI)."""
    reply: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        reply["tool_calls"] = message_tool_calls(calls)
    return [*previous, *input_messages(raw.get("input")), reply]


def reusable_items(response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A finished response's output items as input items by id (for `item_reference`)."""
    items: dict[str, dict[str, Any]] = {}
    for item in response.get("output", []):
        if item["type"] == "message":
            text = "".join(p.get("text", "") for p in item.get("content", []))
            items[item["id"]] = {"type": "message", "role": "assistant", "content": text}
        elif item["type"] == "function_call":
            keys = ("type", "call_id", "name", "arguments")
            items[item["id"]] = {k: item[k] for k in keys}
        else:
            items[item["id"]] = {"type": "reasoning"}
    return items

"""Reads tool calls out of a model's reply text (the other half of tool_contract).

Models follow the contract imperfectly, so these shapes are accepted, first match wins:
1. tagged blocks `<tool_call>{...}</tool_call>` (the contract's; an unclosed last block
   counts too, and the JSON inside may be fenced);
2. fenced blocks ```` ```json {...}``` ```` holding a call-shaped object;
3. bare JSON objects in the text with `name` and `arguments`.
A call-shaped object is `{"name", "arguments"|"parameters"}`, OpenAI's own
`{"type": "function", "function": {...}}`, or a list or `{"tool_calls": [...]}` of those;
`arguments` may be an object or a JSON string. Text around the calls stays as content.
Fenced and bare JSON count only when the name is a declared tool (so an answer that shows
JSON stays text); inside a tagged block every problem is reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from modules.openai_api.ids import new_call_id
from modules.openai_api.json_schema import first_problem
from modules.openai_api.tools import ToolSet

_TAGGED = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)
_FENCED = re.compile(r"```[\w-]*[ \t]*\n?(.*?)```", re.DOTALL)
_FENCE_INSIDE = re.compile(r"^\s*```[\w-]*\s*(.*?)\s*```\s*$", re.DOTALL)
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One parsed call: OpenAI id, tool name and the arguments as a JSON string."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ParsedReply:
    """A reply split into content text, valid calls, and problems with invalid calls."""

    text: str
    calls: tuple[ToolCall, ...] = ()
    problems: tuple[str, ...] = ()


Raw = tuple[object, object]  # (name, arguments) before checking


def parse_reply(text: str, tool_set: ToolSet) -> ParsedReply:
    """Split `text` into content and tool calls checked against `tool_set`."""
    declared = {t.name for t in tool_set.tools}
    found = _tagged(text)
    if found is None:
        found = _spans(text, _fenced(text, declared)) or _spans(text, _bare(text, declared))
    if not found:
        return ParsedReply(text)
    rest, raws = found
    calls, problems = _check(raws, tool_set)
    if calls and not tool_set.parallel:
        calls = calls[:1]  # the client asked for one call per turn: the rest must wait
    return ParsedReply(rest.strip(), tuple(calls), tuple(problems))


def _tagged(text: str) -> tuple[str, list[Raw]] | None:
    if "<tool_call>" not in text:
        return None
    raws: list[Raw] = []
    for match in _TAGGED.finditer(text):
        inner = match.group(1)
        fenced = _FENCE_INSIDE.match(inner)
        payload = _loads(fenced.group(1) if fenced else inner)
        shaped = _call_shapes(payload, strict=False)
        raws.extend(shaped if shaped is not None else [(None, inner.strip()[:80])])
    return _TAGGED.sub("", text), raws


def _fenced(text: str, declared: set[str]) -> Iterator[tuple[int, int, list[Raw]]]:
    for match in _FENCED.finditer(text):
        shaped = _call_shapes(_loads(match.group(1)), strict=True)
        if shaped and all(name in declared for name, _ in shaped):
            yield match.start(), match.end(), shaped


def _bare(text: str, declared: set[str]) -> Iterator[tuple[int, int, list[Raw]]]:
    index = 0
    while (start := _next_json_start(text, index)) != -1:
        try:
            payload, end = _DECODER.raw_decode(text, start)
        except ValueError:
            index = start + 1
            continue
        shaped = _call_shapes(payload, strict=True)
        if shaped and all(name in declared for name, _ in shaped):
            yield start, end, shaped
        index = end


def _next_json_start(text: str, index: int) -> int:
    starts = [p for p in (text.find("{", index), text.find("[", index)) if p != -1]
    return min(starts, default=-1)


def _spans(text: str, found: Iterator[tuple[int, int, list[Raw]]]) -> tuple[str, list[Raw]] | None:
    """Remove the matched spans from the text; None when nothing matched."""
    pieces: list[str] = []
    raws: list[Raw] = []
    last = 0
    for start, end, shaped in found:
        pieces.append(text[last:start])
        raws.extend(shaped)
        last = end
    if not raws:
        return None
    pieces.append(text[last:])
    return "".join(pieces), raws


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _call_shapes(payload: Any, *, strict: bool) -> list[Raw] | None:
    """The (name, arguments) pairs in a call-shaped payload, or None if it is not one."""
    if isinstance(payload, list):
        items = [_call_shape(p, strict=strict) for p in payload]
        if not items or any(i is None for i in items):
            return None
        return [i for i in items if i is not None]
    if isinstance(payload, dict) and isinstance(payload.get("tool_calls"), list):
        return _call_shapes(payload["tool_calls"], strict=strict)
    one = _call_shape(payload, strict=strict)
    return [one] if one is not None else None


def _call_shape(payload: Any, *, strict: bool) -> Raw | None:
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("function"), dict):
        payload = payload["function"]
    name = payload.get("name")
    arguments = payload.get("arguments", payload.get("parameters"))
    if not isinstance(name, str) or (strict and arguments is None):
        return None
    return name, {} if arguments is None else arguments


def _check(raws: list[Raw], tool_set: ToolSet) -> tuple[list[ToolCall], list[str]]:
    calls: list[ToolCall] = []
    problems: list[str] = []
    offered = {t.name: t for t in tool_set.offered}
    for name, arguments in raws:
        problem = _problem(name, arguments, offered)
        if problem is not None:
            problems.append(problem)
            continue
        assert isinstance(name, str)
        encoded = json.dumps(_decoded(arguments), ensure_ascii=False, separators=(",", ":"))
        calls.append(ToolCall(new_call_id(), name, encoded))
    return calls, problems


def _decoded(arguments: object) -> object:
    return _loads(arguments) if isinstance(arguments, str) else arguments


def _problem(name: object, arguments: object, offered: dict[str, Any]) -> str | None:
    if name is None:
        return f"a <tool_call> block does not hold a JSON call object: {arguments!r}"
    tool = offered.get(str(name))
    if tool is None:
        allowed = ", ".join(sorted(offered)) or "none"
        return f"{name!r} is not a tool you may call now (allowed: {allowed})"
    value = _decoded(arguments)
    if not isinstance(value, dict):
        return f"the arguments of {name!r} are not a JSON object"
    problem = first_problem(value, tool.parameters)
    return (
        None if problem is None else f"the arguments of {name!r} do not match its schema {problem}"
    )

"""Deterministic "agent" and "json" models: they read the bridge's prompt contracts as text.

Like a real model, they know the contracts only from the prompt (nothing here imports
bridge code), so a change to a contract that a model could not follow breaks their tests.
- agent: with a tool list in the prompt it answers with a short sentence and one
  `<tool_call>` for the tool the last user turn names (else the one the contract forces,
  else the first listed), arguments derived from that tool's schema; once the last user
  turn carries a `<tool_result>`, it answers in plain text quoting the result.
- json: answers with a JSON value derived from the schema in the prompt, in a ```json
  fence (so the bridge must strip it); a plain object when no schema is given.
A last user turn containing `BREAK_REPLY` makes either model answer wrongly once (until
it sees the bridge's repair instruction), so repair turns can be tested.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TOOL_LINE = re.compile(r"^- ([A-Za-z0-9_-]+): .*\n  (\{.*\})$", re.MULTILINE)
_FORCED = re.compile(r'You must call the tool "([A-Za-z0-9_-]+)"')
_RESULT = re.compile(r'<tool_result name="([^"]*)" id="[^"]*">(.*?)</tool_result>', re.DOTALL)
_USER_LABEL = re.compile(r"^User: ?", re.MULTILINE)
_SCHEMA_START = re.compile(r"JSON Schema[^\n]*:\n")
_REPAIR = "Your last reply was not usable"
_BREAK = "BREAK_REPLY"
_DECODER = json.JSONDecoder()


def last_user_turn(prompt: str) -> str:
    """The text of the last `User:` block of a labelled transcript, else the whole text."""
    ends = [m.end() for m in _USER_LABEL.finditer(prompt)]
    return prompt[ends[-1] :] if ends else prompt


def agent_reply(prompt: str, last_user_text: str) -> str:
    """The agent model's reply to a conversation (`prompt`: all of it as text)."""
    last = last_user_turn(last_user_text)
    results = _RESULT.findall(last)
    if results:
        return " ".join(f"The tool {name} returned: {content.strip()}" for name, content in results)
    tools = {name: _loads(schema) for name, schema in _TOOL_LINE.findall(prompt)}
    if not tools:
        return "I am the agent model; offer me tools and I will call one."
    name = _chosen(tools, prompt, last)
    arguments = example_value(tools[name])
    if _BREAK in last and _REPAIR not in last:
        arguments = {"unexpected": True}
    call = json.dumps({"name": name, "arguments": arguments})
    return f"I will call {name}.\n<tool_call>{call}</tool_call>"


def json_reply(prompt: str, last_user_text: str) -> str:
    """The json model's reply: JSON matching the schema found in the prompt."""
    last = last_user_turn(last_user_text)
    if _BREAK in last and _REPAIR not in last:
        return "Sorry, I would rather answer in prose."
    schema = _schema_in(prompt)
    value = example_value(schema) if schema is not None else {"answer": last.strip()[:40]}
    return f"```json\n{json.dumps(value)}\n```"


def _chosen(tools: dict[str, Any], prompt: str, last: str) -> str:
    named = [n for n in tools if n in last]
    forced = _FORCED.findall(prompt)
    if forced and forced[-1] in tools:
        return str(forced[-1])
    return named[0] if named else next(iter(tools))


def _schema_in(prompt: str) -> Any:
    matches = list(_SCHEMA_START.finditer(prompt))
    if not matches:
        return None
    try:
        return _DECODER.raw_decode(prompt, matches[-1].end())[0]
    except ValueError:
        return None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {}


def example_value(schema: Any, name: str = "value") -> Any:
    """A value that matches simple schemas (types, enums, bounds, nesting), built from them."""
    if not isinstance(schema, dict):
        return {}
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return example_value({**schema[key][0], **_plain(schema)}, name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return _typed(kind, schema, name)


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "allOf")}


def _typed(kind: str, schema: dict[str, Any], name: str) -> Any:
    if kind == "object":
        properties = schema.get("properties") or {}
        return {key: example_value(sub, key) for key, sub in properties.items()}
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [example_value(schema.get("items", {"type": "string"}), name)] * count
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = low + 1 if "exclusiveMinimum" in schema else max(low, 1)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "string":
        text = f"{name}-example"
        return text.ljust(int(schema.get("minLength", 0)), "x")[: schema.get("maxLength")]
    return None

"""The prompt contract that emulates tool calling on a site that ignores `tools`.

The contract (added to the conversation as a system turn) is short on purpose: a long
one drew 429 `prompt failed` from the site. Its shape, for one tool:

    You can call tools. To call one, reply with exactly:
    <tool_call>{"name": "TOOL_NAME", "arguments": {ARGUMENTS AS JSON}}</tool_call>
    Several calls: one block each. After a call, stop; the result comes back as
    <tool_result name=... id=...>...</tool_result>. If no tool is needed, answer normally.
    Tools (name: description, then the JSON Schema of its arguments):
    - get_weather: Weather for a city.
      {"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}

The `<tool_call>` tag is the format many open models were trained on (Hermes, Qwen);
the parser accepts more shapes than the contract asks for (see tool_parse).
"""

from __future__ import annotations

import json
from typing import Any

from modules.openai_api.json_schema import compact_schema
from modules.openai_api.tools import ToolSet, ToolSpec

CALL_OPEN = "<tool_call>"
CALL_CLOSE = "</tool_call>"
RESULT_CLOSE = "</tool_result>"

_HOW = (
    "You can call tools. To call one, reply with exactly:\n"
    f'{CALL_OPEN}{{"name": "TOOL_NAME", "arguments": {{ARGUMENTS AS JSON}}}}{CALL_CLOSE}\n'
)
_SEVERAL = "Several calls: one block each."
_ONE = "Call at most one tool per reply."
_AFTER = (
    f" After a call, stop; the result comes back as <tool_result name=... id=...>...{RESULT_CLOSE}."
)
_AUTO = " If no tool is needed, answer normally.\n"
_REQUIRED = " You must call a tool in this reply.\n"
_NAMED = ' You must call the tool "{name}" in this reply.\n'
_LIST = "Tools (name: description, then the JSON Schema of its arguments):\n"


def render_contract(tool_set: ToolSet) -> str:
    """The contract text for these tools and this choice; "" when tools are off ("none")."""
    offered = tool_set.offered
    if not offered:
        return ""
    rule = _SEVERAL if tool_set.parallel else _ONE
    if tool_set.mode == "required":
        ending = _REQUIRED
    elif tool_set.mode == "named":
        ending = _NAMED.format(name=tool_set.forced_name)
    else:
        ending = _AUTO
    return _HOW + rule + _AFTER + ending + _LIST + "\n".join(_describe(t) for t in offered)


def _describe(tool: ToolSpec) -> str:
    summary = " ".join(tool.description.split()) or "(no description)"
    return f"- {tool.name}: {summary}\n  {_dumps(compact_schema(tool.parameters))}"


def format_call(name: str, arguments: dict[str, Any]) -> str:
    """One call in the contract's own shape (how past calls appear in the history)."""
    payload = {"name": name, "arguments": arguments}
    return f"{CALL_OPEN}{json.dumps(payload, ensure_ascii=False)}{CALL_CLOSE}"


def format_result(name: str, call_id: str, content: str) -> str:
    """One tool result as the model sees it in the history."""
    return f'<tool_result name="{name}" id="{call_id}">{content}{RESULT_CLOSE}'


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

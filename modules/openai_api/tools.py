"""The tools a request offers and how it lets the model use them (`tools`, `tool_choice`).

Only `function` tools exist upstream-side as a prompt contract; other tool types (web
search, code interpreter, custom grammars) are refused with a 400 naming the tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from modules.errors import BadRequest
from modules.openai_api.json_schema import check_schema
from modules.util.clip import quoted

ChoiceMode = Literal["none", "auto", "required", "named"]
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EMPTY_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One function tool: name, description and the JSON Schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolSet:
    """The offered tools, the choice policy and whether several calls may come at once."""

    tools: tuple[ToolSpec, ...]
    mode: ChoiceMode = "auto"
    forced_name: str | None = None
    parallel: bool = True

    def get(self, name: str) -> ToolSpec | None:
        """The tool with this name, or None."""
        return next((t for t in self.tools if t.name == name), None)

    @property
    def must_call(self) -> bool:
        """True when the reply has to contain a call (`required` or a named function)."""
        return self.mode in ("required", "named")

    @property
    def offered(self) -> tuple[ToolSpec, ...]:
        """The tools the model may call now (only the forced one for a named choice)."""
        if self.mode == "none":
            return ()
        if self.mode == "named":
            return tuple(t for t in self.tools if t.name == self.forced_name)
        return self.tools


def parse_tool_set(
    tools: list[Any] | None, tool_choice: object = None, parallel_tool_calls: bool | None = None
) -> ToolSet | None:
    """Validate chat-completions `tools`/`tool_choice`; None when no tools are offered."""
    if not tools:
        if tool_choice not in (None, "none", "auto"):
            raise BadRequest("tool_choice requires 'tools' to be set.", param="tool_choice")
        return None
    specs = tuple(_tool(raw, index) for index, raw in enumerate(tools))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise BadRequest("Tool names must be unique.", param="tools")
    mode, forced = _choice(tool_choice, set(names))
    return ToolSet(specs, mode, forced, parallel_tool_calls is not False)


def _tool(raw: object, index: int) -> ToolSpec:
    where = f"tools[{index}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"Invalid value for '{where}': must be an object.", param=where)
    if raw.get("type") != "function":
        raise BadRequest(
            f"Unsupported tool type {quoted(raw.get('type'))} in '{where}': only 'function' tools "
            "can be emulated.",
            param=f"{where}.type",
        )
    function = raw.get("function")
    if not isinstance(function, dict):
        raise BadRequest(f"Missing required parameter: '{where}.function'.", param=where)
    name = function.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadRequest(
            f"Invalid '{where}.function.name': letters, digits, '_' and '-' only, 1-64 long.",
            param=f"{where}.function.name",
        )
    description = function.get("description") or ""
    if not isinstance(description, str):
        raise BadRequest(
            f"Invalid '{where}.function.description': must be a string.",
            param=f"{where}.function.description",
        )
    parameters = function.get("parameters")
    if parameters is None:
        parameters = _EMPTY_PARAMETERS
    check_schema(parameters, f"{where}.function.parameters")
    return ToolSpec(name, description, parameters)


def _choice(raw: object, names: set[str]) -> tuple[ChoiceMode, str | None]:
    if raw is None or raw == "auto":
        return "auto", None
    if raw == "none" or raw == "required":
        return raw, None
    if isinstance(raw, dict) and raw.get("type") == "function":
        function = raw.get("function")
        name = function.get("name") if isinstance(function, dict) else None
        if name in names:
            return "named", name
        raise BadRequest(
            f"tool_choice names function {quoted(name)}, which is not in 'tools'.",
            param="tool_choice",
        )
    raise BadRequest(
        "Invalid 'tool_choice': use 'none', 'auto', 'required' or "
        '{"type": "function", "function": {"name": ...}}.',
        param="tool_choice",
    )

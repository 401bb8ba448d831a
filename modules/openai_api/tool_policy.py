"""What to do with a parsed reply when tools were offered: accept it, or repair once, then fail.

- Calls with problems (unknown tool, arguments off schema, broken JSON): one repair turn
  that names the problems, then `UnusableReply` (422).
- No call although `tool_choice` is "required" or names a function: the same.
- Otherwise the reply is accepted; a plain-text reply under "auto" stays text.
"""

from __future__ import annotations

from modules.errors import UnusableReply
from modules.openai_api.repair import MAX_REPAIRS, Repair
from modules.openai_api.tool_contract import CALL_CLOSE, CALL_OPEN
from modules.openai_api.tool_parse import ParsedReply
from modules.openai_api.tools import ToolSet

_SHAPE = f'{CALL_OPEN}{{"name": "TOOL_NAME", "arguments": {{...}}}}{CALL_CLOSE}'


def judge_tool_reply(parsed: ParsedReply, tool_set: ToolSet, repairs_done: int) -> Repair | None:
    """None to accept `parsed`; a Repair to ask again; raises UnusableReply when out of repairs."""
    problem = _problem(parsed, tool_set)
    if problem is None:
        return None
    if repairs_done >= MAX_REPAIRS:
        raise UnusableReply(
            f"The model's reply did not follow the tool-call contract after "
            f"{repairs_done} repair turn(s): {problem}.",
            param="tools" if parsed.problems else "tool_choice",
            code="tool_call_invalid",
        )
    return Repair(f"Your last reply was not usable: {problem}. Reply again with only {_SHAPE}.")


def _problem(parsed: ParsedReply, tool_set: ToolSet) -> str | None:
    if parsed.problems:
        return "; ".join(parsed.problems)
    if parsed.calls or not tool_set.must_call:
        return None
    if tool_set.mode == "named":
        return f'it calls no tool, and tool_choice requires a call to "{tool_set.forced_name}"'
    return "it calls no tool, and tool_choice requires at least one call"

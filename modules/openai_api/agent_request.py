"""What a chat request asks beyond plain text, checked once: tools, JSON, stop, max_tokens.

`plan_request` validates those fields (a 400 names the field) and `prompt_messages`
renders the conversation the site gets: tool calls and results as text turns, then the
tool contract and the JSON instruction as system messages after the client's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from modules.errors import BadRequest
from modules.openai_api.schema import ChatCompletionRequest, ChatMessage
from modules.openai_api.structured_output import (
    JsonFormat,
    json_instruction,
    parse_response_format,
)
from modules.openai_api.tool_contract import render_contract
from modules.openai_api.tool_history import render_tool_turns, with_contract
from modules.openai_api.tools import ToolSet, parse_tool_set

MAX_STOPS = 4  # as OpenAI


@dataclass(frozen=True, slots=True)
class AgentPlan:
    """The checked extras of one request."""

    tool_set: ToolSet | None = None
    json_format: JsonFormat | None = None
    stops: tuple[str, ...] = ()
    max_tokens: int | None = None

    @property
    def wants_calls(self) -> bool:
        """True when the reply is to be parsed for tool calls."""
        return self.tool_set is not None and bool(self.tool_set.offered)

    @property
    def buffered(self) -> bool:
        """True when nothing may reach the client before the whole reply was checked
        (JSON asked, or a call required): a repair turn may replace the reply."""
        must_call = self.tool_set is not None and self.tool_set.must_call
        return self.json_format is not None or must_call


def plan_request(req: ChatCompletionRequest) -> AgentPlan:
    """Check tools, tool_choice, response_format, stop and max_tokens; 400 names the field."""
    tool_set = parse_tool_set(req.tools, req.tool_choice, req.parallel_tool_calls)
    json_format = parse_response_format(req.response_format)
    stops = (req.stop,) if isinstance(req.stop, str) else tuple(req.stop or ())
    if len(stops) > MAX_STOPS:
        raise BadRequest(f"'stop' takes at most {MAX_STOPS} strings.", param="stop")
    max_tokens = req.max_completion_tokens or req.max_tokens
    return AgentPlan(tool_set, json_format, stops, max_tokens)


def prompt_messages(req: ChatCompletionRequest, plan: AgentPlan) -> list[ChatMessage]:
    """The conversation to send: tool turns as text, plus the contract and JSON instruction."""
    messages = render_tool_turns(req.messages)
    extras = []
    if plan.tool_set is not None:
        extras.append(render_contract(plan.tool_set))
    if plan.json_format is not None:
        extras.append(json_instruction(plan.json_format))
    return with_contract(messages, "\n\n".join(e for e in extras if e))

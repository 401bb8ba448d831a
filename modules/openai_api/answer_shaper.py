"""Turns the model's raw reply into what the client may see, for every OpenAI surface.

Text goes through `stop`/`max_tokens` (output_limits), then, with tools offered, the call
splitter (tool_stream); at the end the held text is parsed for calls and judged
(tool_policy), and JSON is checked when `response_format` asks for it
(structured_output). When the plan is buffered nothing is released before that check,
so a failed check can become a repair turn or a 422 instead of a wrong 200.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from modules.openai_api.agent_request import AgentPlan
from modules.openai_api.output_limits import OutputLimiter
from modules.openai_api.repair import Repair
from modules.openai_api.structured_output import judge_json_reply
from modules.openai_api.tool_parse import ToolCall, parse_reply
from modules.openai_api.tool_policy import judge_tool_reply
from modules.openai_api.tool_stream import ToolCallSplitter


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of output to release: reasoning or answer text."""

    kind: Literal["reasoning", "text"]
    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    """How the reply ended: last pieces, calls, finish reason; or a repair to run first."""

    pieces: tuple[Piece, ...] = ()
    calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    repair: Repair | None = None
    stop_sequence: str | None = None  # the `stop` string that cut the answer


class AnswerShaper:
    """Feed it the reply as it streams; release what it returns; call `finish` at the end."""

    def __init__(self, plan: AgentPlan, repairs_done: int = 0) -> None:
        self.plan = plan
        self.repairs_done = repairs_done
        self._limiter = OutputLimiter(plan.stops, plan.max_tokens)
        self._splitter = ToolCallSplitter(hold_all=plan.buffered) if plan.wants_calls else None
        self._held_reasoning: list[str] = []
        self._text: list[str] = []  # all answer text after the limits: the reply as judged

    @property
    def done(self) -> bool:
        """True once more upstream text would be cut anyway (stop or length reached)."""
        return self._limiter.done

    def reasoning(self, text: str) -> list[Piece]:
        """Pieces to release for a piece of reasoning."""
        if self.plan.buffered:
            self._held_reasoning.append(text)
            return []
        return [Piece("reasoning", text)] if text else []

    def text(self, text: str) -> list[Piece]:
        """Pieces to release for a piece of answer text."""
        return self._release(self._limiter.feed(text))

    def finish(self, upstream_reason: str) -> Finished:
        """Check the whole reply; the last pieces, the calls and the finish reason."""
        pieces = self._release(self._limiter.flush())
        reason = self._limiter.finish_reason(upstream_reason)
        text = self._held()
        calls: tuple[ToolCall, ...] = ()
        if self.plan.wants_calls:
            assert self.plan.tool_set is not None
            parsed = parse_reply(text, self.plan.tool_set)
            repair = judge_tool_reply(parsed, self.plan.tool_set, self.repairs_done)
            if repair is not None:
                return Finished(repair=repair)
            text, calls = parsed.text, parsed.calls
        if self.plan.json_format is not None and not calls:
            judged = judge_json_reply("".join(self._text), self.plan.json_format, self.repairs_done)
            if isinstance(judged, Repair):
                return Finished(repair=judged)
            text = judged
        out = [Piece("reasoning", r) for r in self._held_reasoning if r] + pieces
        if text:
            out.append(Piece("text", text))
        if calls:
            return Finished(tuple(out), tuple(calls), "tool_calls")
        return Finished(tuple(out), (), reason, stop_sequence=self._limiter.stop_sequence())

    def _held(self) -> str:
        """The answer text not released yet: all of it when buffered."""
        if self.plan.buffered:
            return "".join(self._text)
        return self._splitter.held if self._splitter is not None else ""

    def _release(self, text: str) -> list[Piece]:
        if not text:
            return []
        self._text.append(text)
        if self.plan.buffered:
            return []
        sent = self._splitter.feed(text) if self._splitter else text
        return [Piece("text", sent)] if sent else []

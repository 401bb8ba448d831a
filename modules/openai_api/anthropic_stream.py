"""Anthropic Messages stream events, built while the answer streams.

`message_start` (then a `ping`), one content block per run of one kind (`thinking` with
`thinking_delta`s, `text` with `text_delta`s), a `tool_use` block per parsed call (its
input as one `input_json_delta`; calls are known once the reply is parsed), then
`message_delta` (stop reason, output tokens) and `message_stop`. A failure is an `error`
event. Pure: the surface feeds it the released pieces in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from modules.openai_api.ids import new_id
from modules.openai_api.tool_parse import ToolCall

Event = tuple[str, dict[str, Any]]
BlockKind = Literal["text", "thinking"]

_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


def stop_reason(finish_reason: str, stop_sequence: str | None = None) -> str:
    """The Messages `stop_reason` of an OpenAI finish reason (and the stop string, if one)."""
    if stop_sequence is not None:
        return "stop_sequence"
    return _STOP_REASONS.get(finish_reason, "end_turn")


def _event(name: str, **data: Any) -> Event:
    return name, {"type": name, **data}


def _empty_block(kind: BlockKind) -> dict[str, Any]:
    if kind == "text":
        return {"type": "text", "text": ""}
    return {"type": "thinking", "thinking": "", "signature": ""}


class MessageEvents:
    """The events of one streamed message; a block stays open while its kind goes on."""

    def __init__(self, model: str, *, thinking: bool = False) -> None:
        self._model = model
        self._thinking = thinking  # the client asked for thinking blocks
        self._next = 0  # index of the next content block
        self._open: BlockKind | None = None

    def start(self, input_tokens: int) -> list[Event]:
        """`message_start` with an empty message, and a first `ping`."""
        message: dict[str, Any] = {
            "id": new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": self._model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 0},
        }
        return [_event("message_start", message=message), self.ping()]

    @staticmethod
    def ping() -> Event:
        """A keep-alive the SDKs skip."""
        return _event("ping")

    def text(self, text: str) -> list[Event]:
        return self._delta("text", {"type": "text_delta", "text": text}) if text else []

    def thinking(self, text: str) -> list[Event]:
        """Reasoning as `thinking_delta`s, only when the request asked for thinking."""
        if not (self._thinking and text):
            return []
        return self._delta("thinking", {"type": "thinking_delta", "thinking": text})

    def finish(
        self,
        calls: Sequence[ToolCall],
        finish_reason: str,
        output_tokens: int,
        stop_sequence: str | None = None,
    ) -> list[Event]:
        """Close the open block, add the calls, end the message."""
        events = self._close()
        for call in calls:
            events += self._tool_use(call)
        reason = stop_reason(finish_reason, stop_sequence)
        delta = {"stop_reason": reason, "stop_sequence": stop_sequence}
        events.append(_event("message_delta", delta=delta, usage={"output_tokens": output_tokens}))
        events.append(_event("message_stop"))
        return events

    @staticmethod
    def error(kind: str, message: str) -> Event:
        return _event("error", error={"type": kind, "message": message})

    def _delta(self, kind: BlockKind, delta: dict[str, Any]) -> list[Event]:
        events: list[Event] = []
        if self._open != kind:
            events += self._close()
            events.append(self._open_block(_empty_block(kind)))
            self._open = kind
        events.append(_event("content_block_delta", index=self._next - 1, delta=delta))
        return events

    def _open_block(self, block: dict[str, Any]) -> Event:
        self._next += 1
        return _event("content_block_start", index=self._next - 1, content_block=block)

    def _close(self) -> list[Event]:
        if self._open is None:
            return []
        self._open = None
        return [_event("content_block_stop", index=self._next - 1)]

    def _tool_use(self, call: ToolCall) -> list[Event]:
        block = {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
        delta = {"type": "input_json_delta", "partial_json": call.arguments or "{}"}
        return [
            self._open_block(block),
            _event("content_block_delta", index=self._next - 1, delta=delta),
            _event("content_block_stop", index=self._next - 1),
        ]

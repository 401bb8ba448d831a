"""Shaped outputs as chat-completions chunks, and the whole answer as one completion."""

from __future__ import annotations

from typing import Any

from modules.openai_api.battle_output import EXTENSION_FIELD, ArenaDelta
from modules.openai_api.chunks import ChunkBuilder, build_completion
from modules.openai_api.reasoning_format import ReasoningDeltas, ReasoningFormat, message_fields
from modules.openai_api.shaped_answer import Annotations, Output, ShapedAnswer
from modules.openai_api.tool_chunks import message_tool_calls, tool_call_deltas


class ChatChunks:
    """Maps one request's outputs to `chat.completion.chunk` payloads."""

    def __init__(
        self,
        builder: ChunkBuilder,
        fmt: ReasoningFormat,
        include_usage: bool,
        arena: dict[str, Any] | None = None,
    ) -> None:
        self.builder = builder
        self._deltas = ReasoningDeltas(fmt)
        self._include_usage = include_usage
        self._arena = arena  # a battle's opening extension (battle_output); None: direct

    def opening(self) -> list[dict[str, Any]]:
        """The role chunk (in a battle it opens the `arena` extension too)."""
        chunk = self.builder.role_chunk()
        if self._arena is not None:
            chunk["choices"][0]["delta"][EXTENSION_FIELD] = self._arena
        return [chunk]

    def chunks(self, output: Output) -> list[dict[str, Any]]:
        """The chunks for one output."""
        if isinstance(output, ArenaDelta):
            return [self.builder.delta_chunk(output.delta())] if self._arena is not None else []
        if isinstance(output, Annotations):
            return [self.builder.annotations_chunk(output.items)]
        if output.kind == "reasoning":
            return [self.builder.delta_chunk(self._deltas.reasoning(output.text))]
        return [self.builder.delta_chunk(self._deltas.content(output.text))]

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[dict[str, Any]]:
        """Closing think tag, tool calls, the finish chunk and (if asked) usage."""
        out = []
        if tail := self._deltas.close():
            out.append(self.builder.content_chunk(tail))
        out += [self.builder.delta_chunk(d) for d in tool_call_deltas(answer.calls)]
        out.append(self.builder.finish_chunk(answer.finish_reason))
        if self._include_usage:
            out.append(self.builder.usage_chunk(usage))
        return out


def chat_completion(
    answer: ShapedAnswer,
    fmt: ReasoningFormat,
    model: str,
    usage: dict[str, int],
    completion_id: str,
    arena: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The non-stream `chat.completion` for a shaped answer (`arena`: a battle's opening
    extension, completed from the answer)."""
    body = build_completion(model, "", "", answer.finish_reason, usage, completion_id)
    message: dict[str, Any] = {"role": "assistant"}
    message.update(message_fields(fmt, answer.reasoning_text, answer.text or None))
    if answer.annotations:
        message["annotations"] = list(answer.annotations)
    if answer.calls:
        message["tool_calls"] = message_tool_calls(answer.calls)
    elif message["content"] is None:
        message["content"] = ""
    if arena is not None:
        message[EXTENSION_FIELD] = answer.arena.message_field(arena)
    body["choices"][0]["message"] = message
    return body

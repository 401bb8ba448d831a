"""Shaped outputs as chat-completions chunks, and the whole answer as one completion."""

from __future__ import annotations

from typing import Any

from modules.openai_api.chunks import ChunkBuilder, build_completion
from modules.openai_api.reasoning_format import ReasoningDeltas, ReasoningFormat, message_fields
from modules.openai_api.shaped_answer import Annotations, Output, ShapedAnswer
from modules.openai_api.tool_chunks import message_tool_calls, tool_call_deltas


class ChatChunks:
    """Maps one request's outputs to `chat.completion.chunk` payloads."""

    def __init__(self, builder: ChunkBuilder, fmt: ReasoningFormat, include_usage: bool) -> None:
        self.builder = builder
        self._deltas = ReasoningDeltas(fmt)
        self._include_usage = include_usage

    def opening(self) -> list[dict[str, Any]]:
        """The role chunk."""
        return [self.builder.role_chunk()]

    def chunks(self, output: Output) -> list[dict[str, Any]]:
        """The chunks for one output."""
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
) -> dict[str, Any]:
    """The non-stream `chat.completion` for a shaped answer."""
    body = build_completion(model, "", "", answer.finish_reason, usage, completion_id)
    message: dict[str, Any] = {"role": "assistant"}
    message.update(message_fields(fmt, answer.reasoning_text, answer.text or None))
    if answer.annotations:
        message["annotations"] = list(answer.annotations)
    if answer.calls:
        message["tool_calls"] = message_tool_calls(answer.calls)
    elif message["content"] is None:
        message["content"] = ""
    body["choices"][0]["message"] = message
    return body

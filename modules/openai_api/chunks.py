"""OpenAI response objects: stream chunks, the non-stream completion, usage and errors."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any


def _new_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


class ChunkBuilder:
    """Builds the `chat.completion.chunk` dicts of one streamed completion."""

    __slots__ = ("model", "completion_id", "created")

    def __init__(
        self, model: str, completion_id: str | None = None, created: int | None = None
    ) -> None:
        self.model = model
        self.completion_id = completion_id or _new_id()
        self.created = int(time.time()) if created is None else created

    def role_chunk(self) -> dict[str, Any]:
        """The first chunk: announces the assistant role."""
        return self._chunk({"role": "assistant", "content": ""})

    def content_chunk(self, text: str) -> dict[str, Any]:
        """A piece of answer text."""
        return self._chunk({"content": text})

    def reasoning_chunk(self, text: str) -> dict[str, Any]:
        """A piece of reasoning, as `reasoning_content` (the DeepSeek-style field)."""
        return self._chunk({"reasoning_content": text})

    def annotations_chunk(self, annotations: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Citations (`url_citation` annotations) of the text sent so far."""
        return self._chunk({"annotations": list(annotations)})

    def delta_chunk(self, delta: dict[str, Any]) -> dict[str, Any]:
        """A chunk with any delta fields (reasoning formats, tool calls)."""
        return self._chunk(delta)

    def finish_chunk(self, reason: str) -> dict[str, Any]:
        """The last choice chunk: empty delta and the finish reason."""
        return self._chunk({}, finish_reason=reason)

    def usage_chunk(self, usage: dict[str, int]) -> dict[str, Any]:
        """The extra chunk sent when `stream_options.include_usage` is set."""
        return {**self._envelope(), "choices": [], "usage": usage}

    def _chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return {**self._envelope(), "choices": [choice]}

    def _envelope(self) -> dict[str, Any]:
        return {
            "id": self.completion_id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
        }


def build_completion(
    model: str,
    text: str,
    reasoning: str,
    finish_reason: str,
    usage: dict[str, int],
    completion_id: str | None = None,
    *,
    created: int | None = None,
    annotations: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Build the non-stream `chat.completion` object."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if reasoning:
        message["reasoning_content"] = reasoning
    if annotations:
        message["annotations"] = list(annotations)
    return {
        "id": completion_id or _new_id(),
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": usage,
    }


def estimate_tokens(text: str) -> int:
    """Estimate tokens as about one per four characters (an estimate, not a tokenizer)."""
    return math.ceil(len(text) / 4)


def usage_for(prompt_texts: Iterable[str], completion_text: str) -> dict[str, int]:
    """Estimated usage: prompt, completion and total tokens."""
    prompt = sum(estimate_tokens(t) for t in prompt_texts)
    completion = estimate_tokens(completion_text)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }

"""How reasoning reaches clients (`openai.reasoning_format`); clients disagree on the field.

- `both` (default): `reasoning_content` (DeepSeek, Open WebUI) and `reasoning`
  (OpenRouter, LangChain, the AI SDK) carry the same text;
- `reasoning_content` or `reasoning`: only that field;
- `think_tags`: inline in `content` as `<think>…</think>` before the answer, for clients
  that read neither field.
"""

from __future__ import annotations

from typing import Any, Literal

ReasoningFormat = Literal["both", "reasoning_content", "reasoning", "think_tags"]
THINK_OPEN = "<think>"
THINK_CLOSE = "</think>\n\n"


def _fields(fmt: ReasoningFormat, text: str) -> dict[str, Any]:
    if fmt == "both":
        return {"reasoning_content": text, "reasoning": text}
    if fmt == "think_tags":
        return {"content": text}
    return {fmt: text}


def message_fields(fmt: ReasoningFormat, reasoning: str, content: str | None) -> dict[str, Any]:
    """The message fields of a whole (non-stream) answer: content plus its reasoning."""
    if not reasoning:
        return {"content": content}
    if fmt == "think_tags":
        return {"content": f"{THINK_OPEN}{reasoning}{THINK_CLOSE}{content or ''}"}
    return {"content": content, **_fields(fmt, reasoning)}


class ReasoningDeltas:
    """Delta fields for a stream; with `think_tags` it opens and closes the tag in content."""

    __slots__ = ("fmt", "_open")

    def __init__(self, fmt: ReasoningFormat) -> None:
        self.fmt = fmt
        self._open = False

    def reasoning(self, text: str) -> dict[str, Any]:
        """The delta for a piece of reasoning."""
        if self.fmt == "think_tags" and not self._open:
            self._open = True
            return {"content": THINK_OPEN + text}
        return _fields(self.fmt, text)

    def content(self, text: str) -> dict[str, Any]:
        """The delta for a piece of answer text (closing an open think tag first)."""
        return {"content": self.close() + text}

    def close(self) -> str:
        """The closing tag if one is open (call at the end of the stream too), else ""."""
        if not self._open:
            return ""
        self._open = False
        return THINK_CLOSE

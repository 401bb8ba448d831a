"""Streams answer text while tools are offered, holding back what may be a tool call.

Text passes on as it arrives until something that may start a call shows up: the
`<tool_call>` tag, a code fence, or `{` / `[` at the start of a line. From there on the
text is held and parsed (tool_parse) when the reply has ended; text that turns out not
to be a call is sent then. A bare call in the middle of a line is not held: it is found
by the final parse, after its text was already streamed. With `hold_all` (a call is
required, so a repair turn may replace the reply) nothing passes until the end.
"""

from __future__ import annotations

_MARKERS = ("<tool_call>", "```")


class ToolCallSplitter:
    """Splits a reply stream into text to send now and text held for the call parser."""

    __slots__ = ("_hold_all", "_held", "_holding", "_line_start")

    def __init__(self, hold_all: bool = False) -> None:
        self._hold_all = hold_all
        self._held = ""
        self._holding = hold_all
        self._line_start = True

    def feed(self, text: str) -> str:
        """The part of `text` that cannot belong to a call (send it now)."""
        buffer = self._held + text
        if self._holding:
            self._held = buffer
            return ""
        start = self._call_start(buffer)
        if start is not None:
            self._holding = True
            self._held = buffer[start:]
            return buffer[:start]
        keep = _partial_marker(buffer)
        self._held = buffer[len(buffer) - keep :]
        out = buffer[: len(buffer) - keep]
        if out.strip(" \t"):
            self._line_start = out.rstrip(" \t").endswith("\n")
        return out

    @property
    def held(self) -> str:
        """Everything held back so far (parse it when the reply has ended)."""
        return self._held

    def _call_start(self, buffer: str) -> int | None:
        found = [i for i in (buffer.find(m) for m in _MARKERS) if i != -1]
        at_line_start = self._line_start
        for index, char in enumerate(buffer):
            if char in "{[" and at_line_start:
                found.append(index)
                break
            if char == "\n":
                at_line_start = True
            elif char not in " \t":
                at_line_start = False
        return min(found) if found else None


def _partial_marker(buffer: str) -> int:
    """Length of the longest end of `buffer` that begins a marker."""
    for size in range(min(len(buffer), max(len(m) for m in _MARKERS) - 1), 0, -1):
        tail = buffer[-size:]
        if any(m.startswith(tail) for m in _MARKERS):
            return size
    return 0

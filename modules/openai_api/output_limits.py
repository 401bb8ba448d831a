"""`stop` and `max_tokens` applied to answer text as it streams (the site knows neither).

`stop`: the text is cut before the first stop string, also when one arrives split across
deltas (the tail that could begin a stop string is held back until it cannot).
`max_tokens` / `max_completion_tokens`: cut at the bridge's token estimate (about four
characters a token, as `estimate_tokens`), so the limit is approximate. Only answer text
counts; reasoning is not cut.
"""

from __future__ import annotations

from collections.abc import Sequence

CHARS_PER_TOKEN = 4  # keep in step with chunks.estimate_tokens


class StopCutter:
    """Cuts a stream of text before the first of the stop strings."""

    __slots__ = ("_stops", "_held", "stopped", "matched")

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._held = ""
        self.stopped = False
        self.matched: str | None = None  # the stop string that cut the text

    def feed(self, text: str) -> str:
        """The part of `text` (with what was held) that is safe to pass on now."""
        if self.stopped:
            return ""
        buffer = self._held + text
        hits = [(i, s) for s in self._stops if (i := buffer.find(s)) != -1]
        if hits:
            self.stopped = True
            self._held = ""
            at, self.matched = min(hits, key=lambda hit: hit[0])
            return buffer[:at]
        keep = self._partial_tail(buffer)
        self._held = buffer[len(buffer) - keep :]
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """What was held back at the end of the stream (it turned out not to be a stop)."""
        held, self._held = self._held, ""
        return held

    def _partial_tail(self, buffer: str) -> int:
        """Length of the longest end of `buffer` that begins some stop string."""
        longest = 0
        for stop in self._stops:
            for size in range(min(len(stop) - 1, len(buffer)), longest, -1):
                if buffer.endswith(stop[:size]):
                    longest = size
                    break
        return longest


class LengthCap:
    """Passes at most `max_tokens` estimated tokens of text."""

    __slots__ = ("_left", "reached")

    def __init__(self, max_tokens: int) -> None:
        self._left = max_tokens * CHARS_PER_TOKEN
        self.reached = False

    def feed(self, text: str) -> str:
        """The part of `text` within the budget."""
        if self.reached:
            return ""
        if len(text) >= self._left:
            self.reached = True
        out, self._left = text[: self._left], max(0, self._left - len(text))
        return out


class OutputLimiter:
    """`stop` then `max_tokens` over the answer text; says how the answer ended."""

    __slots__ = ("_stop", "_cap")

    def __init__(self, stops: Sequence[str] = (), max_tokens: int | None = None) -> None:
        self._stop = StopCutter(stops)
        self._cap = LengthCap(max_tokens) if max_tokens is not None else None

    def feed(self, text: str) -> str:
        """Answer text to pass on now."""
        return self._capped(self._stop.feed(text))

    def flush(self) -> str:
        """Answer text held back until the end."""
        return self._capped(self._stop.flush())

    @property
    def done(self) -> bool:
        """True once nothing more will pass: the caller can stop reading upstream."""
        return self._stop.stopped or (self._cap is not None and self._cap.reached)

    def finish_reason(self, upstream_reason: str) -> str:
        """`length` if the cap cut the answer, `stop` if a stop string did, else upstream's."""
        if self._cap is not None and self._cap.reached:
            return "length"
        return "stop" if self._stop.stopped else upstream_reason

    def stop_sequence(self) -> str | None:
        """The stop string that ended the answer (None: something else ended it)."""
        if self._cap is not None and self._cap.reached:
            return None
        return self._stop.matched

    def _capped(self, text: str) -> str:
        return self._cap.feed(text) if self._cap is not None and text else text

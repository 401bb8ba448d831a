"""Bounded renderings of outside text: a message names a value, it never echoes it whole."""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text`, cut to at most `limit` characters (the last one an ellipsis when cut)."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def quoted(value: object, limit: int = 40) -> str:
    """repr(value) cut to about `limit` characters (a string keeps its quotes)."""
    if isinstance(value, str):
        return repr(clip(value, limit - 2))
    return clip(repr(value), limit)

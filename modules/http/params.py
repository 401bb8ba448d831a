"""Query parameters shared by several routes, checked once: 400 with the parameter named."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from ..errors import BadRequest
from ..observability.history import StatusFilter, parse_window

# Query parameters with their bounds, shared by the routes that take them.
Time = Annotated[float | None, Query(ge=0, le=1e11, allow_inf_nan=False)]  # unix seconds
Text = Annotated[str | None, Query(max_length=256)]  # a model, a component, a search text
Status = Annotated[str | None, Query(max_length=5)]  # see status_filter
Window = Annotated[str, Query(max_length=32)]  # see window_seconds

_STATUS_CLASSES: dict[str, Literal["error", "4xx", "5xx"]] = {
    "error": "error",
    "4xx": "4xx",
    "5xx": "5xx",
}


def status_filter(status: str | None) -> StatusFilter:
    """ "error" (any failure), "4xx", "5xx", an HTTP status, or nothing."""
    if not status:
        return None
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    if status.isdigit() and len(status) == 3 and 100 <= int(status) <= 599:
        return int(status)
    raise BadRequest(
        "status must be an HTTP status (100-599), '4xx', '5xx' or 'error'", param="status"
    )


def window_seconds(window: str) -> float:
    """ "1h", "6h", "24h", "7d" (any <number><s|m|h|d> up to 366 d) in seconds."""
    try:
        return parse_window(window)
    except ValueError:
        raise BadRequest(
            "window must be like 1h, 6h, 24h or 7d (at most 366d)", param="window"
        ) from None

"""Query parameters shared by several routes, checked once: 400 with the parameter named."""

from __future__ import annotations

from typing import Literal

from ..errors import BadRequest
from ..observability.history import StatusFilter, parse_window

_STATUS_CLASSES: dict[str, Literal["error", "4xx", "5xx"]] = {
    "error": "error",
    "4xx": "4xx",
    "5xx": "5xx",
}


def status_filter(status: str | None) -> StatusFilter:
    """ "error" (any failure), "4xx", "5xx", an HTTP status, or nothing."""
    wanted: StatusFilter = _STATUS_CLASSES.get(status or "")
    if wanted is None and status:
        try:
            wanted = int(status)
        except ValueError:
            raise BadRequest(
                "status must be an HTTP status, '4xx', '5xx' or 'error'", param="status"
            ) from None
    return wanted


def window_seconds(window: str) -> float:
    """ "1h", "6h", "24h", "7d" (any <number><s|m|h|d>) in seconds."""
    try:
        return parse_window(window)
    except ValueError:
        raise BadRequest("window must be one of 1h, 6h, 24h, 7d", param="window") from None

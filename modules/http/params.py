"""Query parameters shared by several routes, checked once: 400 with the parameter named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query

from ..errors import BadRequest
from ..observability.history import StatusFilter, parse_window
from ..observability.log_buffer import LogFilter

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


@dataclass(frozen=True, slots=True)
class LogQuery:
    """The console's log filters as the log routes read them from the query string."""

    level: Text = None
    component: Text = None
    instance: Text = None
    text: Text = None
    since: Time = None

    def log_filter(self, after: int | None = None) -> LogFilter:
        """The filter these values ask for; 400 naming `level` when it is not a level."""
        try:
            return LogFilter(
                level=self.level or None,
                component=self.component or None,
                instance=self.instance or None,
                text=self.text or None,
                since=self.since,
                after_seq=after,
            )
        except ValueError as err:
            raise BadRequest(str(err), param="level") from None


LogQueryDep = Annotated[LogQuery, Depends()]

"""No capacity now (503 + Retry-After): the client should come back later."""

from __future__ import annotations

from .base import BridgeError


class Unavailable(BridgeError):
    """No capacity now; the client should retry after `retry_after_s`."""

    status = 503
    openai_type = "service_unavailable"
    label = "unavailable"
    default_code = "unavailable"
    retry_after_s: float

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = max(1.0, retry_after_s)


class QueueFullError(Unavailable):
    """Every instance is busy and the wait queue is full."""

    label = default_code = "queue_full"


class QueueWaitTimeout(Unavailable):
    """The request waited `queue.timeout_s` and no instance became free."""

    label = default_code = "queue_timeout"


class NoUsableInstance(Unavailable):
    """No instance can serve: all parked for a person, or none running."""

    label = default_code = "no_usable_instance"


class NoPacedSlot(Unavailable):
    """Every identity's pace puts its next send past `queue.timeout_s`: told at once."""

    label = default_code = "no_paced_slot"


class Paused(Unavailable):
    """The operator paused the bridge (POST /api/pause); nothing reaches the site."""

    label = default_code = "paused"


class ShuttingDown(Unavailable):
    """The bridge stopped accepting work."""

    label = default_code = "shutting_down"


class TooManyFeeds(Unavailable):
    """As many live event feeds are open as the bridge serves."""

    label = default_code = "too_many_feeds"

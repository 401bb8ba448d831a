"""Plain records of what happened: one per finished request, one per instance event."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import ClientError, all_error_classes

# Labels of errors that blame the client, not the bridge or the site: never alert on them.
CLIENT_ERROR_KINDS: frozenset[str] = frozenset(
    cls.label for cls in all_error_classes() if issubclass(cls, ClientError)
)

EVENT_KINDS: tuple[str, ...] = ("state", "scale", "alert", "restart", "info")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One finished request as the client saw it."""

    ts: float
    request_id: str
    model: str
    instance_id: str | None
    strategy: str
    status: int
    error_kind: str | None
    ttft_s: float | None
    duration_s: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1
    queue_wait_s: float = 0.0
    stream: bool = False
    error_type: str | None = None  # the OpenAI error `type` the client got
    user_agent: str = ""  # the client's User-Agent (which tool sent it)
    endpoint: str = ""  # chat, responses, completions, ...
    failovers: str = ""  # "i-1: 5xx; i-2: timeout": instances given up on, and why
    error: str | None = None  # the error message as the client saw it
    affinity: str | None = None  # "hit": continued the conversation's own chat; "miss"
    mode: str = "direct"  # direct, side-by-side or battle (two models answered)

    @property
    def is_error(self) -> bool:
        """True when the client did not get a clean success (a cut stream counts)."""
        return self.status >= 400 or self.error_kind is not None

    @property
    def is_failure(self) -> bool:
        """True when the bridge or the site failed (client mistakes excluded)."""
        if self.status >= 500:
            return True
        return self.error_kind is not None and self.error_kind not in CLIENT_ERROR_KINDS


@dataclass(frozen=True, slots=True)
class InstanceEvent:
    """A change in the pool worth keeping: state change, scaling, alert, restart."""

    ts: float
    kind: str
    instance_id: str | None = None
    old_state: str | None = None
    new_state: str | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def now(cls, kind: str, reason: str = "", **fields: Any) -> InstanceEvent:
        """Build an event stamped with the current wall-clock time."""
        return cls(ts=time.time(), kind=kind, reason=reason, **fields)

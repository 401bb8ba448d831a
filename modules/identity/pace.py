"""The pace of one identity: when it may send next, and how refusals slow it down.

Pure and synchronous: every method takes `now` (wall-clock seconds, so the state means the
same after a restart) and nothing here sleeps or reads a clock. The dispatcher asks
`next_slot(now)`; the runner reports sends and outcomes.

    next slot = the latest of
        last send + interval            (pacing on)
        the burst-th last send + window (pacing on; a sliding budget)
        penalty end                     (always: a flagged identity must not send at all)
        Retry-After / ratelimit reset   (always: the site said when)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..config import PacingConfig

_STATE_VERSION = 1


class Refusal(StrEnum):
    """Ways the site refuses a send on account of this identity's standing."""

    RECAPTCHA = "recaptcha"  # 403 recaptcha validation failed: flagged, penalty
    PROMPT_FAILED = "prompt_failed"  # 429 prompt failed: flagged, penalty
    RATE_LIMITED = "rate_limited"  # 429 Too Many Requests: wait for Retry-After

    @property
    def penalises(self) -> bool:
        return self is not Refusal.RATE_LIMITED


@dataclass(slots=True)
class PaceState:
    """What one identity's pace remembers; stored per user id across restarts."""

    interval_s: float
    penalty_until: float = 0.0
    blocked_until: float = 0.0  # Retry-After or ratelimit reset: a wait, not a penalty
    streak: int = 0  # refusals in a row that penalised; a success resets it
    last_send_at: float | None = None
    sends: list[float] = field(default_factory=list)  # within the burst window
    refusals: dict[str, int] = field(default_factory=dict)  # by Refusal value, ever

    def to_json(self) -> dict[str, Any]:
        return {
            "version": _STATE_VERSION,
            "interval_s": self.interval_s,
            "penalty_until": self.penalty_until,
            "blocked_until": self.blocked_until,
            "streak": self.streak,
            "last_send_at": self.last_send_at,
            "sends": list(self.sends),
            "refusals": dict(self.refusals),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PaceState:
        """Rebuild a stored state; raises ValueError when it is not one."""
        if data.get("version") != _STATE_VERSION:
            raise ValueError(f"unknown pace state version {data.get('version')!r}")
        last = data.get("last_send_at")
        return cls(
            interval_s=float(data["interval_s"]),
            penalty_until=float(data["penalty_until"]),
            blocked_until=float(data["blocked_until"]),
            streak=int(data["streak"]),
            last_send_at=None if last is None else float(last),
            sends=[float(t) for t in data["sends"]],
            refusals={str(k): int(v) for k, v in dict(data["refusals"]).items()},
        )


class Pace:
    """Pacing decisions for one identity under one `PacingConfig`."""

    def __init__(self, config: PacingConfig, state: PaceState | None = None) -> None:
        self.config = config
        self.state = state or PaceState(interval_s=config.min_interval_s)
        # A state saved under other settings is brought inside the current bounds.
        self.state.interval_s = self._clamp(self.state.interval_s)

    def _clamp(self, interval_s: float) -> float:
        return min(self.config.max_interval_s, max(self.config.min_interval_s, interval_s))

    # -- questions -------------------------------------------------------------------

    def next_slot(self, now: float) -> float:
        """The earliest time (>= now) this identity may send."""
        s = self.state
        slot = max(now, s.penalty_until, s.blocked_until)
        if self.config.enabled:
            if s.last_send_at is not None:
                slot = max(slot, s.last_send_at + s.interval_s)
            recent = self._recent(now)
            if len(recent) >= self.config.burst:
                slot = max(slot, recent[-self.config.burst] + self.config.burst_window_s)
        return slot

    def wait_s(self, now: float) -> float:
        """Seconds until the next slot (0 when it may send now)."""
        return self.next_slot(now) - now

    def allows(self, now: float) -> bool:
        return self.next_slot(now) <= now

    def penalised(self, now: float) -> bool:
        return self.state.penalty_until > now

    def held(self, now: float) -> bool:
        """Whether the site has this identity waiting (a penalty or a Retry-After/reset)."""
        return self.state.penalty_until > now or self.state.blocked_until > now

    def penalty_left_s(self, now: float) -> float:
        return max(0.0, self.state.penalty_until - now)

    def rate_per_hour(self) -> float:
        """Sends per hour this pace allows in the long run (the binding limit of the two)."""
        if not self.config.enabled:
            return float("inf")
        by_interval = 3600 / self.state.interval_s if self.state.interval_s > 0 else float("inf")
        by_burst = 3600 * self.config.burst / self.config.burst_window_s
        return min(by_interval, by_burst)

    def _recent(self, now: float) -> list[float]:
        edge = now - self.config.burst_window_s
        return [t for t in self.state.sends if t > edge]

    # -- events ----------------------------------------------------------------------

    def on_send(self, now: float) -> None:
        """A send left for the site (count it whatever the answer: the site saw it)."""
        self.state.sends = [*self._recent(now), now]
        self.state.last_send_at = now

    def on_success(self, now: float) -> None:
        """The site answered: the interval relaxes and the refusal streak ends."""
        self.state.interval_s = self._clamp(self.state.interval_s * self.config.success_factor)
        self.state.streak = 0

    def on_refusal(self, now: float, kind: Refusal, retry_after_s: float | None = None) -> None:
        """The site refused on account of this identity: slow down, and rest if flagged."""
        s = self.state
        s.refusals[kind.value] = s.refusals.get(kind.value, 0) + 1
        s.interval_s = self._clamp(s.interval_s * self.config.refusal_factor)
        if kind.penalises:
            s.streak += 1
            penalty = min(self.config.penalty_max_s, self.config.penalty_s * 2 ** (s.streak - 1))
            s.penalty_until = max(s.penalty_until, now + penalty)
        if retry_after_s is not None:
            self.on_retry_after(now, retry_after_s)

    def on_retry_after(self, now: float, retry_after_s: float) -> None:
        """The site said when to come back."""
        self.state.blocked_until = max(self.state.blocked_until, now + max(0.0, retry_after_s))

    def on_ratelimit(self, now: float, remaining: int, reset_s: float) -> None:
        """A `ratelimit` header: with nothing remaining, wait for the reset."""
        if remaining <= 0:
            self.on_retry_after(now, reset_s)

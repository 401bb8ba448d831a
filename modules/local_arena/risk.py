"""An identity's standing with the site: its send attempts, refusals and risk flag.

Pure apart from the clock the caller passes in, so tests can drive time by hand.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from .knobs import Risk

_ATTEMPTS_KEPT = 2000


@dataclass(frozen=True)
class Attempt:
    """One send attempt as the arena answered it."""

    time: float
    path: str
    status: int
    outcome: str  # "accepted" or the kind of refusal, e.g. "flagged", "recaptcha"

    def as_dict(self) -> dict[str, Any]:
        """The attempt as /_control reports it."""
        return {
            "time": self.time,
            "path": self.path,
            "status": self.status,
            "outcome": self.outcome,
        }


@dataclass
class Standing:
    """Per identity: what it tried, what was refused, and until when it is flagged."""

    attempts: deque[Attempt] = field(default_factory=lambda: deque(maxlen=_ATTEMPTS_KEPT))
    accepted: int = 0
    refusals: Counter[str] = field(default_factory=Counter)
    flagged_until: float | None = None
    flags: int = 0  # how often a flag was raised afresh
    _sends: deque[float] = field(default_factory=deque)  # times counted by the risk window

    def admit(self, risk: Risk | None, now: float) -> bool:
        """Whether the risk model lets this attempt through; a refusal (re)sets the flag."""
        if risk is None:
            return True
        if self.flagged(now):
            self.flagged_until = now + risk.flag_s  # every attempt while flagged extends it
            return False
        while self._sends and self._sends[0] <= now - risk.window_s:
            self._sends.popleft()
        if len(self._sends) >= risk.max_sends:
            self.flagged_until = now + risk.flag_s
            self.flags += 1
            return False
        self._sends.append(now)
        return True

    def flagged(self, now: float) -> bool:
        """Whether the flag is up now."""
        return self.flagged_until is not None and now < self.flagged_until

    def log(self, attempt: Attempt) -> None:
        """Record how an attempt was answered."""
        self.attempts.append(attempt)
        if attempt.outcome == "accepted":
            self.accepted += 1
        else:
            self.refusals[attempt.outcome] += 1

    def attempts_between(self, since: float, until: float | None) -> list[Attempt]:
        """The attempts made at or after `since` and before `until` (None: up to now)."""
        return [a for a in self.attempts if a.time >= since and (until is None or a.time < until)]

    def clear(self) -> None:
        """Lift the flag and forget the risk window (on knob reset); the log stays."""
        self.flagged_until = None
        self._sends.clear()

    def snapshot(self, now: float) -> dict[str, Any]:
        """What /_control reports for this identity."""
        return {
            "attempts": [a.as_dict() for a in self.attempts],
            "accepted": self.accepted,
            "refusals": dict(self.refusals),
            "flagged": self.flagged(now),
            "flagged_until": self.flagged_until,
            "flags": self.flags,
        }

"""Per-instance health: consecutive failures plus a decaying error score.

`error_score` rises by 1 per failure and halves per success, so one old failure fades
after a few good requests while a burst of failures stands out. It is count-decayed,
not time-decayed, so it changes only on outcomes and stays deterministic in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Below this the score is noise; snap to zero so an idle-but-healthy instance reads 0.
_SCORE_FLOOR = 0.01


class HealthScore:
    """Outcome history of one instance: probe results and real request outcomes."""

    def __init__(self, failure_threshold: int, clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be >= 1, got {failure_threshold}")
        self.failure_threshold = failure_threshold
        self._clock = clock
        self.consecutive_failures = 0
        self.error_score = 0.0
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.last_good_at: float | None = None

    @property
    def is_unhealthy(self) -> bool:
        """True once `failure_threshold` failures happened in a row."""
        return self.consecutive_failures >= self.failure_threshold

    def mark_good(self) -> bool:
        """Record a success; return True when this recovered an unhealthy instance."""
        was_unhealthy = self.is_unhealthy
        self.consecutive_failures = 0
        self.error_score *= 0.5
        if self.error_score < _SCORE_FLOOR:
            self.error_score = 0.0
        self.last_good_at = self._clock()
        return was_unhealthy

    def mark_bad(self, reason: str) -> bool:
        """Record a failure; return True when this made the instance unhealthy."""
        was_unhealthy = self.is_unhealthy
        self.consecutive_failures += 1
        self.error_score += 1.0
        self.last_error = reason
        self.last_error_at = self._clock()
        return self.is_unhealthy and not was_unhealthy

    def reset(self) -> None:
        """Forget failures, e.g. after the session was regenerated."""
        self.consecutive_failures = 0
        self.error_score = 0.0

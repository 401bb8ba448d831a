"""The per-user budget the `ratelimit` / `ratelimit-policy` headers report (2026)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..upstream import protocol
from .knobs import Quota


@dataclass
class QuotaWindow:
    """One user's fixed window: when it started and how much of it is used."""

    started: float | None = None
    used: int = 0

    def take(self, quota: Quota, now: float) -> bool:
        """Spend one request if any is left in the current window."""
        self._roll(quota, now)
        if self.used >= quota.limit:
            return False
        self.used += 1
        return True

    def reset_in(self, quota: Quota, now: float) -> int:
        """Whole seconds until the window starts afresh (at least 1)."""
        started = self._roll(quota, now)
        return max(1, math.ceil(started + quota.window_s - now))

    def headers(self, quota: Quota, now: float) -> dict[str, str]:
        """The two headers as the site sends them."""
        remaining = max(0, quota.limit - self.used)
        window = quota.window_s
        return {
            protocol.RATELIMIT_HEADER: protocol.RATELIMIT_VALUE.format(
                limit=quota.limit, remaining=remaining, reset=self.reset_in(quota, now)
            ),
            protocol.RATELIMIT_POLICY_HEADER: protocol.RATELIMIT_POLICY_VALUE.format(
                limit=quota.limit, window=int(window) if window == int(window) else window
            ),
        }

    def clear(self) -> None:
        """Start afresh (on knob reset)."""
        self.started, self.used = None, 0

    def _roll(self, quota: Quota, now: float) -> float:
        """Open a new window when none is running; returns when the current one began."""
        if self.started is None or now >= self.started + quota.window_s:
            self.started, self.used = now, 0
        return self.started

"""Exponentially weighted moving average of latency."""

from __future__ import annotations


class Ewma:
    """EWMA where each new sample weighs `alpha`; old samples decay geometrically."""

    def __init__(self, alpha: float) -> None:
        if not 0.0 < alpha <= 1.0:
            raise ValueError(f"alpha must be in (0, 1], got {alpha}")
        self.alpha = alpha
        self.value: float | None = None
        self.samples = 0

    def update(self, x: float) -> float:
        """Fold one sample in and return the new average."""
        # The first sample seeds the average; afterwards a fixed alpha (not 1/n)
        # keeps the average tracking the recent past instead of the first samples.
        self.value = x if self.value is None else self.alpha * x + (1 - self.alpha) * self.value
        self.samples += 1
        return self.value

"""Balancing strategies: pick one instance among eligible candidates.

Each strategy is a small class behind the `Strategy` protocol. Candidates arrive already
filtered (usable state, below their concurrency limit, not cooling down) and non-empty.
Randomness comes only from the injected `random.Random`, so tests can fix a seed.
Adding a strategy: write one class, add one line to `STRATEGIES`.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Sequence
from typing import Any, Protocol

from .snapshot import InstanceSnapshot, id_sort_key

# Floor for latencies so a (bogus) zero EWMA cannot divide by zero.
_MIN_LATENCY_S = 1e-3


class Strategy(Protocol):
    """Chooses one instance among eligible candidates."""

    name: str

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Return one of `candidates` (non-empty)."""
        ...


class LeastBusy:
    """Fewest requests in flight; ties broken at random."""

    name = "least_busy"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Pick uniformly among the least loaded candidates."""
        low = min(c.in_flight for c in candidates)
        # Random tie-break: picking the first listed would pile idle load on one instance.
        return self._rng.choice([c for c in candidates if c.in_flight == low])


class RoundRobin:
    """Cycle through candidates in natural id order, remembering the last id chosen."""

    name = "round_robin"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng  # unused; kept so every strategy is built the same way
        self._last_id: str | None = None

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Take the first candidate whose id sorts after the last chosen id, wrapping."""
        ordered = sorted(candidates, key=lambda c: id_sort_key(c.id))
        chosen = ordered[0]
        if self._last_id is not None:
            # Compare by key, not by list index, so removed or added ids do not shift the cycle.
            last_key = id_sort_key(self._last_id)
            chosen = next((c for c in ordered if id_sort_key(c.id) > last_key), ordered[0])
        self._last_id = chosen.id
        return chosen


class ResponseTime:
    """Lowest EWMA latency; untried and stale instances first; a little exploration."""

    name = "response_time"

    def __init__(
        self, rng: random.Random, *, exploration_rate: float = 0.05, stale_after_s: float = 300.0
    ) -> None:
        self._rng = rng
        self.exploration_rate = exploration_rate
        self.stale_after_s = stale_after_s

    def _untried(self, c: InstanceSnapshot, now: float) -> bool:
        # A latency measured long ago may no longer be true; measure it again.
        stale = c.last_used_at is not None and now - c.last_used_at >= self.stale_after_s
        return c.samples == 0 or c.ewma_latency_s is None or stale

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Explore at random now and then, else untried first, else the fastest."""
        if self._rng.random() < self.exploration_rate:
            return self._rng.choice(list(candidates))
        untried = [c for c in candidates if self._untried(c, now)]
        if untried:
            return self._rng.choice(untried)
        best = min(c.ewma_latency_s for c in candidates if c.ewma_latency_s is not None)
        return self._rng.choice([c for c in candidates if c.ewma_latency_s == best])


class RandomChoice:
    """Uniformly random."""

    name = "random"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Pick any candidate with equal probability."""
        return self._rng.choice(list(candidates))


class Weighted:
    """Random with probability proportional to 1 / EWMA latency (times the static weight)."""

    name = "weighted"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def choose(self, candidates: Sequence[InstanceSnapshot], now: float) -> InstanceSnapshot:
        """Draw one candidate, faster ones more often."""
        speeds = {
            c.id: 1.0 / max(c.ewma_latency_s, _MIN_LATENCY_S)
            for c in candidates
            if c.samples > 0 and c.ewma_latency_s is not None
        }
        # Untried instances get the best known speed so they are tried soon, not starved.
        default = max(speeds.values(), default=1.0)
        weights = [speeds.get(c.id, default) * max(c.weight, 0.0) for c in candidates]
        if sum(weights) <= 0:
            return self._rng.choice(list(candidates))
        return self._rng.choices(list(candidates), weights=weights, k=1)[0]


STRATEGIES: dict[str, type] = {
    LeastBusy.name: LeastBusy,
    RoundRobin.name: RoundRobin,
    ResponseTime.name: ResponseTime,
    RandomChoice.name: RandomChoice,
    Weighted.name: Weighted,
}


def make_strategy(
    name: str,
    *,
    rng: random.Random,
    exploration_rate: float = 0.05,
    stale_after_s: float = 300.0,
) -> Strategy:
    """Build the strategy registered under `name`; unknown names raise ValueError."""
    cls = STRATEGIES.get(name)
    if cls is None:
        valid = ", ".join(sorted(STRATEGIES))
        raise ValueError(f"unknown balancer strategy {name!r}; valid: {valid}")
    options: dict[str, Any] = {"exploration_rate": exploration_rate, "stale_after_s": stale_after_s}
    # Pass each strategy only the options its constructor declares.
    accepted = inspect.signature(cls).parameters
    strategy: Strategy = cls(rng, **{k: v for k, v in options.items() if k in accepted})
    return strategy

"""Questions about a set of paces: when the n-th send can leave, and the paced capacity."""

from __future__ import annotations

import copy
import heapq
import math
from collections.abc import Iterable

from .pace import Pace

# Bounds the look-ahead of `nth_slot` (a queue deeper than this gets the estimate of this).
MAX_LOOKAHEAD = 1000


def nth_slot(paces: Iterable[Pace], now: float, n: int) -> float | None:
    """Wall-clock time the n-th send from now (1-based) may leave, taking every
    identity's next slots in order; None when there is no identity."""
    trial = [Pace(p.config, copy.deepcopy(p.state)) for p in paces]
    if not trial:
        return None
    heap = [(p.next_slot(now), k) for k, p in enumerate(trial)]
    heapq.heapify(heap)
    slot = now
    for _ in range(max(1, min(n, MAX_LOOKAHEAD))):
        slot, k = heapq.heappop(heap)
        trial[k].on_send(slot)
        heapq.heappush(heap, (trial[k].next_slot(slot), k))
    return slot


def capacity_per_hour(paces: Iterable[Pace]) -> float:
    """Requests per hour the identities allow in the long run (sum of their rates)."""
    total = sum(p.rate_per_hour() for p in paces)
    return total if math.isfinite(total) else math.inf

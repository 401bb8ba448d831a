"""A frozen view of one instance, the only input the strategies see."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class InstanceSnapshot:
    """What a strategy may know about an instance at the moment of choice."""

    id: str
    state: str
    in_flight: int
    max_concurrent: int
    ewma_latency_s: float | None
    samples: int
    last_used_at: float | None
    cooling_until: float = 0.0
    weight: float = 1.0


def id_sort_key(instance_id: str) -> tuple[tuple[int, int | str], ...]:
    """Natural sort key: "i-2" sorts before "i-10"."""
    # Tag each part so digits and text never get compared with each other.
    parts = _DIGITS.split(instance_id)
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts)

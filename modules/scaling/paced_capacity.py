"""The pool's paced capacity as the autoscaler sees it: Σ 1/interval over the identities.

Pure. A penalised identity counts at its own interval, as if it were free: the rest it
serves is capacity the site took away on purpose, and making it up with new identities
would be swapping a refused identity for a fresh one in all but name. So a penalty never
grows the pool; only arrivals beyond what the identities' paces allow do.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..config import PacingConfig
from ..identity.pace import Pace


def fresh_rate_per_s(config: PacingConfig) -> float | None:
    """Sends per second a new identity's pace allows; None when pacing is off."""
    return Pace(config).rate_per_hour() / 3600 if config.enabled else None


def paced_capacity_per_s(paces: Iterable[Pace], config: PacingConfig) -> float | None:
    """Σ of each identity's long-run rate (its interval, burst-capped), penalties ignored;
    one whose identity is not known yet (an unpaced placeholder) counts as a fresh one.
    None when pacing is off (then capacity is concurrency, not a rate)."""
    fresh = fresh_rate_per_s(config)
    if fresh is None:
        return None
    return sum(p.rate_per_hour() / 3600 if p.config.enabled else fresh for p in paces)

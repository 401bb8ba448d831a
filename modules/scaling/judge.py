"""Autoscaling judge: a pure decision from one load sample (measure → judge → act).

The only state kept is when the current stretch of low utilisation began, so the pool
shrinks only after load stayed low for `cooldown_s`. Time comes from `LoadSample.at`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from typing import Any, Literal

from ..config import AutoscaleConfig, PoolConfig

log = logging.getLogger(__name__)

# Cost of one more context when none has been measured yet (SPEC §3: ~14-23 MB, rounded up).
DEFAULT_INSTANCE_MEMORY_MB = 60.0

ScaleAction = Literal["up", "down", "hold"]


@dataclass(frozen=True, slots=True)
class LoadSample:
    """One measurement of the pool; `instances` counts usable plus starting ones."""

    at: float
    instances: int
    starting: int
    in_flight: int
    capacity: int
    queue_depth: int
    p95_wait_s: float
    arrival_rate_per_s: float
    mean_service_s: float | None
    cpu_percent: float
    browser_memory_mb: float
    memory_per_instance_mb: float | None
    # Sends per second one fresh identity's pace allows; None when pacing is off. Then the
    # pool's capacity is a rate and waiting in the queue is normal.
    paced_rate_per_s: float | None = None
    # Σ 1/interval over the identities (paced_capacity.py: penalised ones at their own
    # interval, so a penalty is never made up for); None: instances x paced_rate_per_s.
    paced_capacity_per_s: float | None = None


@dataclass(frozen=True, slots=True)
class ScaleSettings:
    """The limits and thresholds the judge applies."""

    min_instances: int
    max_instances: int
    max_concurrent_per_instance: int
    scale_up_threshold: float
    scale_down_threshold: float
    cooldown_s: float
    max_memory_mb: float

    def __post_init__(self) -> None:
        if not 0 <= self.min_instances <= self.max_instances:
            raise ValueError(
                f"need 0 <= min_instances ({self.min_instances}) "
                f"<= max_instances ({self.max_instances})"
            )

    @classmethod
    def from_config(cls, pool: PoolConfig, autoscale: AutoscaleConfig) -> ScaleSettings:
        """Take the settings from the `pool` and `autoscale` config sections."""
        return cls(
            min_instances=pool.min_instances,
            max_instances=pool.max_instances,
            max_concurrent_per_instance=pool.max_concurrent_per_instance,
            scale_up_threshold=autoscale.scale_up_threshold,
            scale_down_threshold=autoscale.scale_down_threshold,
            cooldown_s=autoscale.cooldown_s,
            max_memory_mb=float(autoscale.max_memory_mb),
        )


@dataclass(frozen=True, slots=True)
class ScaleDecision:
    """What to do, the instance count to aim for, and why (with the numbers)."""

    action: ScaleAction
    current: int
    target: int
    needed: int
    reason: str


class Judge:
    """Turns load samples into scale decisions; synchronous and side-effect free."""

    def __init__(self, settings: ScaleSettings) -> None:
        self.settings = settings
        self._low_since: float | None = None

    def with_settings(self, **changes: Any) -> Judge:
        """Return a judge with some settings replaced (e.g. new min/max at run time)."""
        judge = Judge(dataclasses.replace(self.settings, **changes))
        judge._low_since = self._low_since
        return judge

    def needed(self, s: LoadSample) -> int:
        """Instances the load needs by Little's law, clamped to min..max."""
        per = self.settings.max_concurrent_per_instance
        if s.paced_rate_per_s is not None:
            # Little's law on the paced rate: identities = arrivals x mean interval.
            raw = math.ceil(s.arrival_rate_per_s / _mean_paced_rate(s))
        elif s.mean_service_s is None:
            # No service time measured yet: size for what is running and waiting now.
            raw = math.ceil((s.in_flight + s.queue_depth) / per)
        else:
            raw = math.ceil(s.arrival_rate_per_s * s.mean_service_s / per)
        return min(max(raw, self.settings.min_instances), self.settings.max_instances)

    def decide(self, s: LoadSample) -> ScaleDecision:
        """Decide up, down or hold for this sample."""
        decision = self._decide(s)
        log.debug(
            "scale %s %d→%d: %s",
            decision.action,
            decision.current,
            decision.target,
            decision.reason,
        )
        return decision

    def _decide(self, s: LoadSample) -> ScaleDecision:
        cfg = self.settings
        needed = self.needed(s)
        util = _utilisation(s)
        low = util < cfg.scale_down_threshold and s.queue_depth == 0
        # Track the low stretch before any early return so no sample is skipped.
        if not low:
            self._low_since = None
        elif self._low_since is None:
            self._low_since = s.at

        if s.instances < cfg.min_instances:
            why = f"{s.instances} instances below min_instances {cfg.min_instances}"
            if not self._memory_allows(s):
                return _hold(s, needed, f"{why}, but {self._memory_text(s)}")
            return ScaleDecision("up", s.instances, cfg.min_instances, needed, why)
        if s.instances > cfg.max_instances:
            why = f"{s.instances} instances above max_instances {cfg.max_instances}"
            return ScaleDecision("down", s.instances, cfg.max_instances, needed, why)

        load = _load_text(s, util)
        need = f"need {needed} by Little's law"
        over = util > cfg.scale_up_threshold
        if over or (s.queue_depth > 0 and s.paced_rate_per_s is None):
            above = f" > {cfg.scale_up_threshold:.2f}" if over else ""
            return self._up(s, needed, load + above, need)
        if low:
            return self._down(s, needed, f"{load} < {cfg.scale_down_threshold:.2f}", need)
        return _hold(
            s,
            needed,
            f"{load} within {cfg.scale_down_threshold:.2f}..{cfg.scale_up_threshold:.2f}; {need}",
        )

    def _up(self, s: LoadSample, needed: int, load: str, need: str) -> ScaleDecision:
        why = f"{load} and {s.queue_depth} waiting; {need}"
        if s.instances >= self.settings.max_instances:
            return _hold(
                s, needed, f"{why}; already at max_instances {self.settings.max_instances}"
            )
        if s.starting > 0:
            # One at a time: the starting instance may be enough once it is ready.
            return _hold(s, needed, f"{why}; waiting for {s.starting} starting")
        if not self._memory_allows(s):
            return _hold(s, needed, f"{why}; {self._memory_text(s)}")
        return ScaleDecision("up", s.instances, s.instances + 1, needed, why)

    def _down(self, s: LoadSample, needed: int, load: str, need: str) -> ScaleDecision:
        cfg = self.settings
        floor = max(cfg.min_instances, needed)
        assert self._low_since is not None  # set by _decide whenever load is low
        low_for = s.at - self._low_since
        why = f"{load} and none waiting for {low_for:.0f}s of {cfg.cooldown_s:.0f}s; {need}"
        if s.instances <= floor:
            return _hold(s, needed, f"{why}; {s.instances} instances at floor {floor}")
        if s.starting > 0:
            return _hold(s, needed, f"{why}; waiting for {s.starting} starting")
        if low_for < cfg.cooldown_s:
            return _hold(s, needed, f"{why}; cooling down")
        # Restart the clock so each further step down waits a full cooldown again.
        self._low_since = s.at
        return ScaleDecision("down", s.instances, s.instances - 1, needed, why)

    def _memory_allows(self, s: LoadSample) -> bool:
        return s.browser_memory_mb + _per_instance_mb(s) <= self.settings.max_memory_mb

    def _memory_text(self, s: LoadSample) -> str:
        return (
            f"memory {s.browser_memory_mb:.0f} MB + {_per_instance_mb(s):.0f} MB per instance "
            f"> max_memory_mb {self.settings.max_memory_mb:.0f}"
        )


def _per_instance_mb(s: LoadSample) -> float:
    return (
        DEFAULT_INSTANCE_MEMORY_MB if s.memory_per_instance_mb is None else s.memory_per_instance_mb
    )


def _utilisation(s: LoadSample) -> float:
    if s.paced_rate_per_s is not None:
        paced = _paced_capacity(s)
        return s.arrival_rate_per_s / paced if paced > 0 else float(s.arrival_rate_per_s > 0)
    if s.capacity > 0:
        return s.in_flight / s.capacity
    # No usable capacity: any work at all means saturated.
    return 1.0 if s.in_flight or s.queue_depth else 0.0


def _paced_capacity(s: LoadSample) -> float:
    if s.paced_capacity_per_s is not None:
        return s.paced_capacity_per_s
    return s.instances * (s.paced_rate_per_s or 0.0)


def _mean_paced_rate(s: LoadSample) -> float:
    """Sends per second of an average identity (a fresh one's when there is none)."""
    fresh = s.paced_rate_per_s or 0.0
    capacity = _paced_capacity(s)
    mean = capacity / s.instances if s.instances > 0 and capacity > 0 else fresh
    return mean if mean > 0 else 1.0


def _load_text(s: LoadSample, util: float) -> str:
    if s.paced_rate_per_s is None:
        return f"utilisation {util:.2f} ({s.in_flight}/{s.capacity})"
    if s.paced_capacity_per_s is None:
        per_h = 3600 * s.paced_rate_per_s
        return (
            f"paced utilisation {util:.2f} ({3600 * s.arrival_rate_per_s:.1f} requests/h "
            f"for {s.instances} x {per_h:.1f}/h)"
        )
    return (
        f"paced utilisation {util:.2f} ({3600 * s.arrival_rate_per_s:.1f} requests/h for "
        f"{3600 * s.paced_capacity_per_s:.1f}/h of {s.instances} identities)"
    )


def _hold(s: LoadSample, needed: int, reason: str) -> ScaleDecision:
    return ScaleDecision("hold", s.instances, s.instances, needed, reason)

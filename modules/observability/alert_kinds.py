"""The alert kinds: what each rule kind watches, its unit, and how it is judged; pure.

Adding a kind: one `AlertKind` entry in `ALERT_KINDS` below, its name in config's
`AlertKindName`, and (when it needs new pool facts) a field in `PoolFacts`; the GUI reads
kinds and units from GET /api/settings/schema. docs/ARCHITECTURE.md has the checklist.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..config import AlertRule
from .degradation import Degraded
from .quantiles import percentile


@dataclass(frozen=True, slots=True)
class Sample:
    """One finished request as alert rules see it (`t` on the engine's clock)."""

    t: float
    failed: bool
    ttft_s: float | None
    duration_s: float


@dataclass(frozen=True, slots=True)
class PoolFacts:
    """What the pool looks like right now, as far as alerts care."""

    usable_instances: int
    needs_attention: Sequence[str]
    at_max: bool
    queue_depth: int
    expired_logins: Sequence[str] = ()  # accounts whose login the site refuses (401)
    # Per degradation rule (by name): the models worse than their baseline, worst first.
    degraded: Mapping[str, Sequence[Degraded]] = field(default_factory=dict)
    identities: int = 0  # identities in the pool (serving instances)
    # Identities serving a penalty now: instance id -> seconds of it left.
    penalised: Mapping[str, float] = field(default_factory=dict)


# (holds, value, message): whether the condition holds, the value judged, a sentence.
Verdict = tuple[bool, float | None, str]
Unit = Literal["ratio", "seconds", "count", "factor"]


@dataclass(frozen=True, slots=True)
class AlertKind:
    """One kind of alert rule."""

    name: str
    unit: Unit  # how the GUI shows value and threshold
    description: str
    judge: Callable[[AlertRule, Sequence[Sample], PoolFacts], Verdict]
    uses_samples: bool = False  # needs min_samples requests in the window to fire


def _judged(rule: AlertRule, n: int, value: float | None, text: str) -> Verdict:
    holds = value is not None and n >= rule.min_samples and value > rule.threshold
    return holds, value, text


def _error_rate(rule: AlertRule, window: Sequence[Sample], _pool: PoolFacts) -> Verdict:
    n = len(window)
    rate = sum(s.failed for s in window) / n if n else None
    text = (
        f"error rate {_pct(rate)} over {rule.window_s:g}s "
        f"(threshold {_pct(rule.threshold)}, {n} requests)"
    )
    return _judged(rule, n, rate, text)


def _p95(label: str, values: list[float], rule: AlertRule) -> Verdict:
    p95 = percentile(values, 0.95)
    shown = "n/a" if p95 is None else f"{p95:.2f}s"
    text = (
        f"p95 {label} {shown} over {rule.window_s:g}s "
        f"(threshold {rule.threshold:g}s, {len(values)} samples)"
    )
    return _judged(rule, len(values), p95, text)


def _p95_latency(rule: AlertRule, window: Sequence[Sample], _pool: PoolFacts) -> Verdict:
    return _p95("duration", [s.duration_s for s in window], rule)


def _p95_ttft(rule: AlertRule, window: Sequence[Sample], _pool: PoolFacts) -> Verdict:
    values = [s.ttft_s for s in window if s.ttft_s is not None]
    return _p95("time to first token", values, rule)


def _no_usable(_rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    n = pool.usable_instances
    return n == 0, float(n), f"{n} usable instances"


def _listed(rule: AlertRule, ids: Sequence[str], what: str) -> Verdict:
    names = ", ".join(ids) if ids else "none"
    return len(ids) > rule.threshold, float(len(ids)), f"{what}: {names}"


def _needs_attention(rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    return _listed(rule, pool.needs_attention, "needs attention")


def _login_expired(rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    return _listed(rule, pool.expired_logins, "login expired")


def _saturated(rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    depth = pool.queue_depth
    holds = pool.at_max and depth > rule.threshold
    return holds, float(depth), f"pool at max size with {depth} requests waiting"


def _penalised(rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    found = pool.penalised
    named = ", ".join(f"{i} ({left:.0f}s left)" for i, left in sorted(found.items()))
    text = f"identities penalised by the site: {named or 'none'}; kept, never replaced"
    return len(found) > rule.threshold, float(len(found)), text


def _all_penalised(_rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    n, total = len(pool.penalised), pool.identities
    holds = total > 0 and n >= total
    soonest = f"; the first penalty ends in {min(pool.penalised.values()):.0f}s" if holds else ""
    return holds, float(n), f"{n} of {total} identities penalised{soonest}"


def _degradation(rule: AlertRule, _window: Sequence[Sample], pool: PoolFacts) -> Verdict:
    found = pool.degraded.get(rule.name, ())
    span = f"{rule.window_s:g}s vs the {rule.baseline_s:g}s before"
    if not found:
        return False, None, f"no model's {rule.metric} above x{rule.threshold:g} ({span})"
    finite = [d.ratio for d in found if math.isfinite(d.ratio)]
    worst = max(finite) if finite else None  # from a zero baseline there is no factor
    models = "; ".join(d.describe(rule.metric) for d in found)
    return (
        True,
        worst,
        f"{rule.metric} above x{rule.threshold:g} of the baseline ({span}): {models}",
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


ALERT_KINDS: dict[str, AlertKind] = {
    kind.name: kind
    for kind in (
        AlertKind("error_rate", "ratio", "Share of failed requests", _error_rate, True),
        AlertKind("p95_latency", "seconds", "95th percentile duration", _p95_latency, True),
        AlertKind("p95_ttft", "seconds", "95th percentile time to first token", _p95_ttft, True),
        AlertKind("no_usable_instance", "count", "No instance can serve", _no_usable),
        AlertKind("needs_attention", "count", "Instances waiting for a person", _needs_attention),
        AlertKind("login_expired", "count", "Accounts whose login expired", _login_expired),
        AlertKind("pool_saturated", "count", "Requests queued at max pool size", _saturated),
        AlertKind("degradation", "factor", "A model worse than its own baseline", _degradation),
        AlertKind("identity_penalised", "count", "Identities the site penalised", _penalised),
        AlertKind("all_identities_penalised", "count", "Every identity penalised", _all_penalised),
    )
}

"""Alert rules judged on recent requests and pool facts; pure apart from the clock.

Each rule is either firing or quiet. Cooldown, precisely: a rule may change state (quiet
→ firing or firing → quiet) only when at least `cooldown_s` has passed since its previous
change; its first change is never held back. So an alert stays firing for at least
`cooldown_s` even if the condition clears sooner, and, once resolved, cannot fire again
within `cooldown_s`; in both cases the change happens at the first `evaluate` after the
cooldown at which the condition still (or no longer) holds. Sample-based rules
(error_rate, p95_latency, p95_ttft) hold only with at least `min_samples` samples in
their window: with too little traffic there is no evidence, so a firing alert resolves.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..config import AlertRule
from .quantiles import percentile
from .records import RequestRecord

MAX_SAMPLES = 10_000


@dataclass(frozen=True, slots=True)
class PoolFacts:
    """What the pool looks like right now, as far as alerts care."""

    usable_instances: int
    needs_attention: Sequence[str]
    at_max: bool
    queue_depth: int


@dataclass(frozen=True, slots=True)
class AlertTransition:
    """A rule started or stopped firing; `at` is on the engine's clock."""

    rule: str
    kind: str
    state: Literal["firing", "resolved"]
    value: float | None
    threshold: float
    message: str
    at: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the GUI, the webhook and the history."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Sample:
    t: float
    failed: bool
    ttft_s: float | None
    duration_s: float


@dataclass(slots=True)
class _RuleState:
    firing: bool = False
    changed_at: float | None = None  # engine clock, for cooldown
    changed_wall: float | None = None  # wall clock, for people and the GUI
    value: float | None = None
    message: str = ""
    detail: str = ""  # the condition as last judged, firing or not


class AlertEngine:
    """Feed it finished requests; `evaluate` returns the rules that changed state."""

    def __init__(
        self,
        rules: Sequence[AlertRule],
        clock: Callable[[], float] = time.monotonic,
        max_samples: int = MAX_SAMPLES,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        names = [rule.name for rule in rules]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"alerts.rules: duplicate rule names {duplicates}")
        self._rules = list(rules)
        self._clock = clock
        self._wall_clock = wall_clock
        self._states = {rule.name: _RuleState() for rule in rules}
        self._samples: deque[_Sample] = deque(maxlen=max_samples)
        self._horizon_s = max((rule.window_s for rule in rules), default=0.0)

    def observe(self, rec: RequestRecord) -> None:
        """Remember one finished request (stamped with the engine's clock)."""
        self._samples.append(_Sample(self._clock(), rec.is_failure, rec.ttft_s, rec.duration_s))

    def evaluate(self, pool: PoolFacts) -> list[AlertTransition]:
        """Judge every rule now; return the transitions that happened."""
        now = self._clock()
        self._forget_before(now - self._horizon_s)
        changes: list[AlertTransition] = []
        for rule in self._rules:
            holds, value, message = self._condition(rule, pool, now)
            state = self._states[rule.name]
            state.value = value
            state.detail = message
            cooled = state.changed_at is None or now - state.changed_at >= rule.cooldown_s
            if holds:
                state.message = message  # keep the firing message current
            if holds != state.firing and cooled:
                state.firing = holds
                state.changed_at = now
                state.changed_wall = self._wall_clock()
                if not holds:
                    message = f"resolved: {message}"
                state.message = message
                changes.append(
                    AlertTransition(
                        rule.name,
                        rule.kind,
                        "firing" if holds else "resolved",
                        value,
                        rule.threshold,
                        message,
                        now,
                    )
                )
        return changes

    def active(self) -> list[dict[str, Any]]:
        """Rules firing now, with their latest value and message; `at` (wall clock) is
        when they started firing."""
        by_name = {rule.name: rule for rule in self._rules}
        return [
            {
                "rule": name,
                "kind": by_name[name].kind,
                "state": "firing",
                "value": st.value,
                "threshold": by_name[name].threshold,
                "message": st.message,
                "at": st.changed_wall,
            }
            for name, st in self._states.items()
            if st.firing
        ]

    def rules_view(self) -> list[dict[str, Any]]:
        """Every rule with its settings and current state, for the GUI."""
        return [
            {
                **rule.model_dump(),
                "state": "firing" if st.firing else "ok",
                "value": st.value,
                "detail": st.detail,
                "changed_at": st.changed_wall,
            }
            for rule in self._rules
            for st in (self._states[rule.name],)
        ]

    def _forget_before(self, cutoff: float) -> None:
        while self._samples and self._samples[0].t < cutoff:
            self._samples.popleft()

    def _condition(
        self, rule: AlertRule, pool: PoolFacts, now: float
    ) -> tuple[bool, float | None, str]:
        if rule.kind in ("error_rate", "p95_latency", "p95_ttft"):
            window = [s for s in self._samples if s.t >= now - rule.window_s]
            return _sample_condition(rule, window)
        if rule.kind == "no_usable_instance":
            n = pool.usable_instances
            return n == 0, float(n), f"{n} usable instances"
        if rule.kind == "needs_attention":
            ids = list(pool.needs_attention)
            names = ", ".join(ids) if ids else "none"
            return len(ids) > rule.threshold, float(len(ids)), f"needs attention: {names}"
        if rule.kind == "pool_saturated":
            depth = pool.queue_depth
            holds = pool.at_max and depth > rule.threshold
            return holds, float(depth), f"pool at max size with {depth} requests waiting"
        raise ValueError(f"unknown alert kind {rule.kind!r}")


def _sample_condition(rule: AlertRule, window: list[_Sample]) -> tuple[bool, float | None, str]:
    """Judge a rule that looks at the requests of its window."""
    span = f"over {rule.window_s:g}s"
    if rule.kind == "error_rate":
        n = len(window)
        rate = sum(s.failed for s in window) / n if n else None
        text = f"error rate {_pct(rate)} {span} (threshold {_pct(rule.threshold)}, {n} requests)"
        return _judge(rule, n, rate, text)
    if rule.kind == "p95_latency":
        values = [s.duration_s for s in window]
        label = "duration"
    else:
        values = [s.ttft_s for s in window if s.ttft_s is not None]
        label = "time to first token"
    p95 = percentile(values, 0.95)
    shown = "n/a" if p95 is None else f"{p95:.2f}s"
    text = f"p95 {label} {shown} {span} (threshold {rule.threshold:g}s, {len(values)} samples)"
    return _judge(rule, len(values), p95, text)


def _judge(
    rule: AlertRule, n: int, value: float | None, text: str
) -> tuple[bool, float | None, str]:
    holds = value is not None and n >= rule.min_samples and value > rule.threshold
    return holds, value, text


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"

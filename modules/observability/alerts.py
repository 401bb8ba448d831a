"""Alert rules judged on recent requests and pool facts; pure apart from the clock.

Each rule is either firing or quiet. Cooldown, precisely: a rule may change state (quiet
→ firing or firing → quiet) only when at least `cooldown_s` has passed since its previous
change; its first change is never held back. So an alert stays firing for at least
`cooldown_s` even if the condition clears sooner, and, once resolved, cannot fire again
within `cooldown_s`; in both cases the change happens at the first `evaluate` after the
cooldown at which the condition still (or no longer) holds. Sample-based kinds
(error_rate, p95_latency, p95_ttft; see alert_kinds.py) hold only with at least `min_samples` samples in
their window: with too little traffic there is no evidence, so a firing alert resolves.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..config import AlertRule
from .alert_kinds import ALERT_KINDS, PoolFacts, Sample, Verdict
from .records import RequestRecord

MAX_SAMPLES = 10_000


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
        self._samples: deque[Sample] = deque(maxlen=max_samples)
        self._horizon_s = max((rule.window_s for rule in rules), default=0.0)

    def observe(self, rec: RequestRecord) -> None:
        """Remember one finished request (stamped with the engine's clock)."""
        self._samples.append(Sample(self._clock(), rec.is_failure, rec.ttft_s, rec.duration_s))

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

    def _condition(self, rule: AlertRule, pool: PoolFacts, now: float) -> Verdict:
        kind = ALERT_KINDS[rule.kind]
        window = (
            [s for s in self._samples if s.t >= now - rule.window_s] if kind.uses_samples else []
        )
        return kind.judge(rule, window, pool)

"""Reads what a degradation rule compares from the history: each model's recent figures
(read fresh at every evaluation: a short range of the time index) and its baseline (the
longer period before the recent window; cached, it changes slowly)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..config import AlertRule
from ..config import DegradationMetric as Metric
from .degradation import Degraded, Figure, degraded_models, figures_by_model
from .history import HistoryStore

BASELINE_REFRESH_S = 60.0
EAGER_REFRESH_S = 1.0


@dataclass(frozen=True, slots=True)
class DegradationQuery:
    """One degradation rule's terms."""

    metric: Metric
    window_s: float
    baseline_s: float
    factor: float
    min_samples: int
    floor: float = 0.0


def degradation_query(rule: AlertRule) -> DegradationQuery:
    """The terms of a `degradation` rule (its threshold is the factor over the baseline)."""
    return DegradationQuery(
        metric=rule.metric,
        window_s=rule.window_s,
        baseline_s=rule.baseline_s,
        factor=rule.threshold,
        min_samples=rule.min_samples,
        floor=rule.floor,
    )


class ModelWatch:
    """Judges degradation rules on the history; `clock` is wall-clock time like its rows."""

    def __init__(
        self,
        history: HistoryStore,
        clock: Callable[[], float] = time.time,
        refresh_s: float = BASELINE_REFRESH_S,
    ) -> None:
        self._history = history
        self._clock = clock
        self._refresh_s = refresh_s
        self._baselines: dict[tuple[Metric, float, float], tuple[float, dict[str, Figure]]] = {}

    async def degraded(self, query: DegradationQuery) -> list[Degraded]:
        """Models whose recent figure is worse than their baseline by the rule's factor."""
        now = self._clock()
        rows = await self._history.window_rows(now - query.window_s, now)
        recent = figures_by_model(rows, query.metric)
        baseline = await self._baseline(query, now, recent)
        return degraded_models(
            recent,
            baseline,
            factor=query.factor,
            min_samples=query.min_samples,
            floor=query.floor,
        )

    async def _baseline(
        self, query: DegradationQuery, now: float, recent: dict[str, Figure]
    ) -> dict[str, Figure]:
        key = (query.metric, query.window_s, query.baseline_s)
        cached = self._baselines.get(key)
        if cached is not None and not self._due(query, now, cached, recent):
            return cached[1]
        rows = await self._history.window_rows(now - query.baseline_s, now - query.window_s)
        figures = figures_by_model(rows, query.metric)
        self._baselines[key] = (now, figures)
        return figures

    def _due(
        self,
        query: DegradationQuery,
        now: float,
        cached: tuple[float, dict[str, Figure]],
        recent: dict[str, Figure],
    ) -> bool:
        """Refresh every minute (sooner for short baselines); early, but at most once a
        second, while a model seen now has too thin a baseline (a new model, a fresh start)."""
        age = now - cached[0]
        if age >= min(self._refresh_s, query.baseline_s / 10):
            return True
        thin = any(cached[1].get(m, Figure(None, 0)).samples < query.min_samples for m in recent)
        return thin and age >= EAGER_REFRESH_S

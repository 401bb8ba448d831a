"""Per-model degradation: a model's recent p95 TTFT, p95 latency or error rate against its
own baseline (e.g. the last 24 h). Pure: the caller brings the rows of both periods.

A model is degraded when both periods have at least `min_samples` samples, the recent
value is above `factor` times the baseline, and above `floor` (so a model whose error rate
goes from 0% to 1% is not called degraded when the floor is 5%).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, assert_never

from ..config import DegradationMetric as Metric
from .quantiles import percentile
from .records import CLIENT_ERROR_KINDS

UNITS: dict[Metric, str] = {"p95_ttft": "s", "p95_latency": "s", "error_rate": "ratio"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One model's value of a metric over a period, and how many samples it rests on."""

    value: float | None
    samples: int


@dataclass(frozen=True, slots=True)
class Degraded:
    """A model whose recent value is worse than its baseline by more than the factor."""

    model: str
    recent: float
    baseline: float
    ratio: float
    recent_samples: int
    baseline_samples: int

    def describe(self, metric: Metric) -> str:
        """E.g. "m1 p95_ttft 3.10s vs 1.00s (x3.1)"."""
        times = f"x{self.ratio:.1f}" if math.isfinite(self.ratio) else "from zero"
        return f"{self.model} {metric} {_show(metric, self.recent)} vs {_show(metric, self.baseline)} ({times})"


def is_failure_row(row: Mapping[str, Any]) -> bool:
    """Same rule as RequestRecord.is_failure, for rows read back from the history."""
    if row["status"] >= 500:
        return True
    kind = row["error_kind"]
    return kind is not None and kind not in CLIENT_ERROR_KINDS


def figures_by_model(rows: Iterable[Mapping[str, Any]], metric: Metric) -> dict[str, Figure]:
    """The metric per model over some request rows (keys: model, status, error_kind,
    ttft_s, duration_s)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["model"], []).append(row)
    return {model: _figure(group, metric) for model, group in groups.items()}


def _figure(rows: list[Mapping[str, Any]], metric: Metric) -> Figure:
    match metric:
        case "error_rate":
            n = len(rows)
            return Figure(sum(is_failure_row(r) for r in rows) / n if n else None, n)
        case "p95_ttft":
            values = [r["ttft_s"] for r in rows if r["ttft_s"] is not None]
        case "p95_latency":
            values = [r["duration_s"] for r in rows]
        case _:
            assert_never(metric)
    return Figure(percentile(values, 0.95), len(values))


def degraded_models(
    recent: Mapping[str, Figure],
    baseline: Mapping[str, Figure],
    *,
    factor: float,
    min_samples: int,
    floor: float = 0.0,
) -> list[Degraded]:
    """Models worse now than in their baseline, worst ratio first."""
    found: list[Degraded] = []
    for model, now in recent.items():
        base = baseline.get(model)
        if base is None or now.value is None or base.value is None:
            continue
        if min(now.samples, base.samples) < min_samples or now.value <= floor:
            continue
        if now.value > factor * base.value:
            ratio = now.value / base.value if base.value > 0 else float("inf")
            found.append(Degraded(model, now.value, base.value, ratio, now.samples, base.samples))
    return sorted(found, key=lambda d: (-d.ratio, d.model))


def _show(metric: Metric, value: float) -> str:
    return f"{value:.0%}" if UNITS[metric] == "ratio" else f"{value:.2f}s"

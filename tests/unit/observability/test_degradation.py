"""Per-model degradation: recent figures against the model's own baseline from history."""

from __future__ import annotations

from math import inf
from pathlib import Path

import pytest

from modules.config import AlertRule, parse_config
from modules.errors import ConfigError
from modules.observability.alert_kinds import PoolFacts
from modules.observability.alerts import AlertEngine
from modules.observability.degradation import (
    Degraded,
    Figure,
    degraded_models,
    figures_by_model,
)
from modules.observability.model_watch import DegradationQuery, ModelWatch
from tests.unit.observability.test_history import NOW, _rec, _store

HOUR = 3600.0


def _row(
    model: str,
    ttft: float | None = 1.0,
    duration: float = 2.0,
    status: int = 200,
    kind: str | None = None,
) -> dict[str, object]:
    return {
        "model": model,
        "ttft_s": ttft,
        "duration_s": duration,
        "status": status,
        "error_kind": kind,
    }


def test_figures_per_model_and_metric() -> None:
    rows = [_row("a", ttft=t) for t in (1, 2, 3, 4)] + [_row("a", ttft=None, status=502)]
    rows += [_row("b", status=422, kind="content_rejected"), _row("b", kind="timeout")]
    assert figures_by_model(rows, "p95_ttft")["a"] == Figure(4, 4)
    assert figures_by_model(rows, "p95_latency")["a"] == Figure(2.0, 5)
    errors = figures_by_model(rows, "error_rate")
    assert errors["a"] == Figure(0.2, 5)
    assert errors["b"] == Figure(0.5, 2)  # the client's mistake does not count, a timeout does


def test_a_model_is_degraded_only_with_enough_samples_on_both_sides() -> None:
    base = {"a": Figure(1.0, 50), "b": Figure(1.0, 50), "c": Figure(1.0, 3), "e": Figure(0.0, 50)}
    now = {
        "a": Figure(2.0, 20),  # x2: degraded
        "b": Figure(1.4, 20),  # x1.4: within the factor
        "c": Figure(9.0, 20),  # baseline has too few samples
        "d": Figure(9.0, 20),  # no baseline at all (a new model)
        "e": Figure(0.01, 20),  # from 0: infinite ratio, but under the floor
    }
    found = degraded_models(now, base, factor=1.5, min_samples=10, floor=0.02)
    assert [(d.model, d.ratio) for d in found] == [("a", 2.0)]
    assert found[0].describe("p95_ttft") == "a p95_ttft 2.00s vs 1.00s (x2.0)"
    assert degraded_models({"a": Figure(2.0, 9)}, base, factor=1.5, min_samples=10) == []


async def test_the_watch_reads_both_periods_from_history_on_an_injected_clock(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path).start()
    for i in range(30):  # a day of normal answers: ttft 1 s
        store.record_request(_rec(i, ts=NOW - 20 * HOUR + i * 60, ttft=1.0))
    for i in range(12):  # the last 10 minutes: ttft 3 s
        store.record_request(_rec(100 + i, ts=NOW - 500 + i * 10, ttft=3.0))
    assert store.flush()
    clock = [NOW]
    watch = ModelWatch(store, clock=lambda: clock[0])
    query = DegradationQuery(
        "p95_ttft", window_s=600, baseline_s=24 * HOUR, factor=1.5, min_samples=10
    )
    found = await watch.degraded(query)
    assert [
        (d.model, d.recent, d.baseline, d.recent_samples, d.baseline_samples) for d in found
    ] == [("m1", 3.0, 1.0, 12, 30)]
    clock[0] = NOW + 700  # the slow answers leave the recent window: recovered
    assert await watch.degraded(query) == []
    store.close()


@pytest.mark.parametrize("metric", ["p95_ttft", "p95_latency", "error_rate"])
async def test_no_history_means_no_degradation(tmp_path: Path, metric: str) -> None:
    watch = ModelWatch(_store(tmp_path, enabled=False), clock=lambda: NOW)
    query = DegradationQuery(metric, window_s=60, baseline_s=HOUR, factor=1.5, min_samples=1)  # type: ignore[arg-type]
    assert await watch.degraded(query) == []


def _rule(**kw: object) -> AlertRule:
    terms: dict[str, object] = {
        "name": "slow_model",
        "kind": "degradation",
        "metric": "p95_ttft",
        "threshold": 1.5,
        "window_s": 600,
        "baseline_s": 86400,
        "min_samples": 10,
        "cooldown_s": 60,
        **kw,
    }
    return AlertRule.model_validate(terms)


def _facts(**degraded: tuple[Degraded, ...]) -> PoolFacts:
    return PoolFacts(1, (), False, 0, degraded=degraded)


def test_the_rule_kind_fires_names_the_models_and_resolves_on_a_clock() -> None:
    clock = [0.0]
    engine = AlertEngine([_rule()], clock=lambda: clock[0])
    slow = Degraded("m1", 3.0, 1.0, 3.0, 12, 30)
    (fired,) = engine.evaluate(_facts(slow_model=(slow,)))
    assert fired.state == "firing" and fired.value == 3.0 and fired.threshold == 1.5
    assert "m1 p95_ttft 3.00s vs 1.00s (x3.0)" in fired.message
    clock[0] = 30
    assert engine.evaluate(_facts()) == []  # recovered, but inside the cooldown
    clock[0] = 61
    (resolved,) = engine.evaluate(_facts())
    assert resolved.state == "resolved" and resolved.value is None


def test_from_a_zero_baseline_there_is_no_factor_but_it_still_fires() -> None:
    engine = AlertEngine([_rule(metric="error_rate", floor=0.05)], clock=lambda: 0.0)
    (fired,) = engine.evaluate(_facts(slow_model=(Degraded("m2", 0.3, 0.0, inf, 20, 40),)))
    assert fired.value is None and "m2 error_rate 30% vs 0% (from zero)" in fired.message


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"threshold": 1.0}, "threshold (the factor) must be above 1"),
        ({"baseline_s": 600}, "baseline_s must be longer than window_s"),
        ({"metric": "p50_ttft"}, "metric"),
    ],
)
def test_bad_degradation_rules_name_the_key(terms: dict[str, object], message: str) -> None:
    rule = {"name": "r", "kind": "degradation", "window_s": 600, "threshold": 1.5, **terms}
    with pytest.raises(ConfigError) as err:
        parse_config({"alerts": {"rules": [rule]}})
    assert "alerts.rules.0" in err.value.message and message in err.value.message


async def test_a_thin_baseline_is_read_again_soon_a_full_one_is_kept(tmp_path: Path) -> None:
    store = _store(tmp_path).start()
    clock = [NOW]
    watch = ModelWatch(store, clock=lambda: clock[0])
    query = DegradationQuery("p95_ttft", window_s=60, baseline_s=HOUR, factor=2, min_samples=5)
    for i in range(5):  # slow answers now, and no history before: nothing to compare with
        store.record_request(_rec(i, ts=NOW - 30 + i, ttft=3.0))
    assert store.flush()
    assert await watch.degraded(query) == []
    for i in range(20):  # a normal baseline appears (an earlier period, written late)
        store.record_request(_rec(100 + i, ts=NOW - 600 + i, ttft=1.0))
    assert store.flush()
    clock[0] = NOW + 0.5
    assert await watch.degraded(query) == []  # thin, but read at most once a second
    clock[0] = NOW + 1.5
    (found,) = await watch.degraded(query)
    assert (found.baseline, found.baseline_samples) == (1.0, 20)
    for i in range(40):  # slow rows join the baseline's period: a full baseline is kept
        store.record_request(_rec(200 + i, ts=NOW - 500 + i, ttft=9.0))
    assert store.flush()
    clock[0] = NOW + 30
    (kept,) = await watch.degraded(query)
    assert kept.baseline == 1.0
    store.close()

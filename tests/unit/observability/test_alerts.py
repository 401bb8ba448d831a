"""AlertEngine: thresholds, minimum samples, cooldown in both directions, pool rules."""

from __future__ import annotations

import pytest

from modules.config import AlertRule
from modules.observability.alert_kinds import PoolFacts
from modules.observability.alerts import AlertEngine
from modules.observability.records import RequestRecord

HEALTHY = PoolFacts(usable_instances=2, needs_attention=[], at_max=False, queue_depth=0)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _rec(
    status: int = 200,
    ttft: float | None = 0.5,
    duration: float = 1.0,
    error_kind: str | None = None,
) -> RequestRecord:
    if error_kind is None and status >= 500:
        error_kind = "5xx"
    return RequestRecord(
        ts=0.0,
        request_id="r",
        model="m",
        instance_id="i1",
        strategy="least_busy",
        status=status,
        error_kind=error_kind,
        ttft_s=ttft,
        duration_s=duration,
    )


def _engine(clock: Clock, **rule: object) -> AlertEngine:
    opts: dict = {
        "name": "r",
        "kind": "error_rate",
        "threshold": 0.5,
        "window_s": 60,
        "min_samples": 10,
        "cooldown_s": 100,
        **rule,
    }
    return AlertEngine([AlertRule(**opts)], clock=clock)


def test_error_rate_needs_min_samples_then_fires_and_resolves() -> None:
    clock = Clock()
    engine = _engine(clock)
    for _ in range(9):
        engine.observe(_rec(status=502))
    assert engine.evaluate(HEALTHY) == []  # 100 % errors but only 9 samples
    engine.observe(_rec(status=502))
    [t] = engine.evaluate(HEALTHY)
    assert (t.rule, t.kind, t.state, t.value, t.threshold, t.at) == (
        "r",
        "error_rate",
        "firing",
        1.0,
        0.5,
        1000.0,
    )
    assert "100%" in t.message
    assert engine.active()[0]["rule"] == "r"
    assert engine.evaluate(HEALTHY) == []  # still firing: no new transition
    # Errors stop; the old ones leave the 60 s window, the cooldown (100 s) has passed.
    clock.t += 120
    for _ in range(10):
        engine.observe(_rec())
    [t] = engine.evaluate(HEALTHY)
    assert t.state == "resolved" and t.value == 0.0 and engine.active() == []


def test_cooldown_holds_both_transitions() -> None:
    clock = Clock()
    engine = _engine(clock, window_s=10)
    for _ in range(10):
        engine.observe(_rec(status=500))
    assert engine.evaluate(HEALTHY)[0].state == "firing"
    clock.t += 20  # condition cleared (window empty) but only 20 s of a 100 s cooldown
    assert engine.evaluate(HEALTHY) == []
    assert engine.rules_view()[0]["state"] == "firing"
    clock.t += 80  # exactly the cooldown: now it may resolve
    [t] = engine.evaluate(HEALTHY)
    assert t.state == "resolved"
    for _ in range(10):
        engine.observe(_rec(status=500))
    clock.t += 50
    assert engine.evaluate(HEALTHY) == []  # holds again, but resolved only 50 s ago
    clock.t += 50
    for _ in range(10):
        engine.observe(_rec(status=500))
    assert engine.evaluate(HEALTHY)[0].state == "firing"


def test_client_errors_do_not_count() -> None:
    clock = Clock()
    engine = _engine(clock, threshold=0.1)
    for _ in range(20):
        engine.observe(_rec(status=400, error_kind="bad_request"))
    assert engine.evaluate(HEALTHY) == []
    engine.observe(_rec(status=200, error_kind="stream_cut"))  # a cut stream does
    engine.observe(_rec(status=503, error_kind="queue_full"))
    engine.observe(_rec(status=429, error_kind="429"))
    [t] = engine.evaluate(HEALTHY)
    assert t.value == pytest.approx(3 / 23)


def test_p95_latency_and_ttft() -> None:
    clock = Clock()
    engine = AlertEngine(
        [
            AlertRule(name="slow", kind="p95_latency", threshold=10, min_samples=20, cooldown_s=0),
            AlertRule(name="ttft", kind="p95_ttft", threshold=2, min_samples=20, cooldown_s=0),
        ],
        clock=clock,
    )
    for i in range(20):
        engine.observe(_rec(duration=30.0 if i >= 18 else 1.0, ttft=None if i % 2 else 3.0))
    # Duration p95 of 20 samples is the 19th value (30 s); only 10 TTFT samples exist.
    [t] = engine.evaluate(HEALTHY)
    assert (t.rule, t.value) == ("slow", 30.0)
    for _ in range(10):
        engine.observe(_rec(ttft=3.0))
    [t] = engine.evaluate(HEALTHY)
    assert (t.rule, t.kind, t.value) == ("ttft", "p95_ttft", 3.0)


def test_pool_rules() -> None:
    clock = Clock()
    engine = AlertEngine(
        [
            AlertRule(name="none", kind="no_usable_instance", cooldown_s=0),
            AlertRule(name="human", kind="needs_attention", cooldown_s=0),
            AlertRule(name="full", kind="pool_saturated", cooldown_s=0),
        ],
        clock=clock,
    )
    assert engine.evaluate(HEALTHY) == []
    bad = PoolFacts(usable_instances=0, needs_attention=["i2", "i3"], at_max=True, queue_depth=4)
    fired = {t.rule: t for t in engine.evaluate(bad)}
    assert set(fired) == {"none", "human", "full"}
    assert "i2, i3" in fired["human"].message and fired["full"].value == 4
    at_max_idle = PoolFacts(usable_instances=1, needs_attention=[], at_max=True, queue_depth=0)
    resolved = engine.evaluate(at_max_idle)
    assert {t.rule for t in resolved} == {"none", "human", "full"}
    assert all(t.state == "resolved" for t in resolved)
    view = {r["name"]: r for r in engine.rules_view()}
    assert view["full"]["state"] == "ok" and view["full"]["kind"] == "pool_saturated"


def test_duplicate_rule_names_rejected() -> None:
    rule = AlertRule(name="x", kind="needs_attention")
    with pytest.raises(ValueError, match="duplicate"):
        AlertEngine([rule, rule])


def test_samples_are_bounded() -> None:
    clock = Clock()
    engine = AlertEngine(
        [AlertRule(name="r", kind="error_rate", threshold=0.5)], clock=clock, max_samples=50
    )
    for _ in range(200):
        engine.observe(_rec(status=500))
    for _ in range(50):
        engine.observe(_rec())
    assert engine.evaluate(HEALTHY) == []  # only the 50 newest (all fine) are kept

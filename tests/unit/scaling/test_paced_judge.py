"""The judge in paced terms: capacity is a rate per identity, penalties are not made up for."""

from __future__ import annotations

from modules.scaling.judge import Judge, LoadSample, ScaleSettings

SETTINGS = ScaleSettings(
    min_instances=1,
    max_instances=6,
    max_concurrent_per_instance=1,
    scale_up_threshold=0.8,
    scale_down_threshold=0.3,
    cooldown_s=30.0,
    max_memory_mb=4096.0,
)
PER_HOUR = 24.0  # 6 sends per 900 s


def paced(at: float = 0.0, *, instances: int = 2, per_hour: float, **kw: float) -> LoadSample:
    """A sample under pacing: `per_hour` requests arriving, identities mostly idle."""
    values: dict[str, float] = {
        "at": at,
        "instances": instances,
        "starting": 0,
        "in_flight": 0,
        "capacity": instances,
        "queue_depth": 0,
        "p95_wait_s": 0.0,
        "arrival_rate_per_s": per_hour / 3600,
        "mean_service_s": 2.0,
        "cpu_percent": 5.0,
        "browser_memory_mb": 300.0,
        "memory_per_instance_mb": 20.0,
        "paced_rate_per_s": PER_HOUR / 3600,
        **kw,
    }
    return LoadSample(**values)  # type: ignore[arg-type]


def test_arrivals_above_the_paced_capacity_scale_up_with_numbers() -> None:
    d = Judge(SETTINGS).decide(paced(per_hour=60, instances=2))
    assert (d.action, d.target, d.needed) == ("up", 3, 3)
    assert "paced utilisation 1.25 (60.0 requests/h for 2 x 24.0/h)" in d.reason


def test_waiting_is_normal_under_pacing_and_idle_slots_are_not_load() -> None:
    # Requests wait for slots and nothing is in flight: that alone is neither up nor down.
    d = Judge(SETTINGS).decide(paced(per_hour=30, instances=2, queue_depth=3))
    assert d.action == "hold" and d.needed == 2


def test_never_past_max_or_the_memory_budget() -> None:
    assert Judge(SETTINGS).decide(paced(per_hour=1000, instances=6)).action == "hold"
    d = Judge(SETTINGS).decide(paced(per_hour=1000, browser_memory_mb=4090.0))
    assert d.action == "hold" and "max_memory_mb" in d.reason


def test_penalised_identities_count_so_a_penalty_never_adds_instances() -> None:
    # Two identities, one penalised (sample.instances counts it): 36/h fits 2 x 24/h.
    assert Judge(SETTINGS).decide(paced(per_hour=36, instances=2, capacity=1)).action == "hold"


def test_low_paced_load_shrinks_after_the_cooldown() -> None:
    judge = Judge(SETTINGS)
    assert judge.decide(paced(0, per_hour=5, instances=3)).action == "hold"
    d = judge.decide(paced(31, per_hour=5, instances=3))
    assert (d.action, d.target) == ("down", 2)

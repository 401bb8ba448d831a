"""Issues 11, items 5 and 9: the scale decision in paced terms, from hand-made paces.

Capacity is Σ 1/interval over the identities; a penalised identity counts at its own
interval, so a penalty never grows the pool, while arrivals beyond the paces do."""

from __future__ import annotations

import pytest

from modules.config import PacingConfig
from modules.identity.pace import Pace, PaceState, Refusal
from modules.scaling.judge import Judge, LoadSample, ScaleSettings
from modules.scaling.paced_capacity import fresh_rate_per_s, paced_capacity_per_s

NOW = 10_000.0
# One send per 60 s, burst never binding: a fresh identity gives 60 requests an hour.
CONFIG = PacingConfig(
    min_interval_s=60, burst=100, burst_window_s=100, refusal_factor=1, penalty_s=1200
)
SETTINGS = ScaleSettings(
    min_instances=1,
    max_instances=4,
    max_concurrent_per_instance=1,
    scale_up_threshold=0.8,
    scale_down_threshold=0.3,
    cooldown_s=30.0,
    max_memory_mb=4096.0,
)


def fresh() -> Pace:
    return Pace(CONFIG)


def penalised() -> Pace:
    pace = Pace(CONFIG)
    pace.on_send(NOW - 1)
    pace.on_refusal(NOW - 1, Refusal.PROMPT_FAILED)
    assert pace.penalised(NOW)
    return pace


def sample(paces: list[Pace], per_hour: float, **kw: float) -> LoadSample:
    values: dict[str, float | None] = {
        "at": NOW,
        "instances": len(paces),
        "starting": 0,
        "in_flight": 0,
        "capacity": len(paces),
        "queue_depth": 3,  # waiting for slots is normal under pacing
        "p95_wait_s": 10.0,
        "arrival_rate_per_s": per_hour / 3600,
        "mean_service_s": 2.0,
        "cpu_percent": 5.0,
        "browser_memory_mb": 300.0,
        "memory_per_instance_mb": 20.0,
        "paced_rate_per_s": fresh_rate_per_s(CONFIG),
        "paced_capacity_per_s": paced_capacity_per_s(paces, CONFIG),
        **kw,
    }
    return LoadSample(**values)  # type: ignore[arg-type]


def test_capacity_is_the_sum_of_the_identities_rates() -> None:
    slowed = Pace(CONFIG, PaceState(interval_s=120))  # slowed by earlier 429s
    placeholder = Pace(PacingConfig(enabled=False))  # an instance still signing up
    got = paced_capacity_per_s([fresh(), slowed, placeholder], CONFIG)
    assert got == pytest.approx((60 + 30 + 60) / 3600)
    assert paced_capacity_per_s([fresh()], PacingConfig(enabled=False)) is None


def test_a_penalised_identity_counts_at_its_interval() -> None:
    assert paced_capacity_per_s([fresh(), penalised()], CONFIG) == pytest.approx(120 / 3600)


def test_a_penalty_does_not_scale_up() -> None:
    # 90 requests/h against 2 identities of 60/h: utilisation 0.75 counting the penalised
    # one (hold), 1.5 if its lost capacity were made up for (up).
    d = Judge(SETTINGS).decide(sample([fresh(), penalised()], per_hour=90))
    assert d.action == "hold", d.reason
    assert "90.0 requests/h for 120.0/h of 2 identities" in d.reason
    # The same load without counting the penalised identity would have grown the pool.
    counterfactual = Judge(SETTINGS).decide(sample([fresh()], per_hour=90))
    assert counterfactual.action == "up"


def test_arrivals_beyond_the_paces_scale_up_by_littles_law() -> None:
    d = Judge(SETTINGS).decide(sample([fresh(), penalised()], per_hour=200))
    assert (d.action, d.current, d.target, d.needed) == ("up", 2, 3, 4)


def test_never_past_max_instances_which_penalised_identities_count_toward() -> None:
    paces = [fresh(), penalised(), penalised(), penalised()]
    d = Judge(SETTINGS).decide(sample(paces, per_hour=1000))
    assert d.action == "hold" and "already at max_instances 4" in d.reason


def test_never_past_the_memory_budget() -> None:
    d = Judge(SETTINGS).decide(sample([fresh()], per_hour=500, browser_memory_mb=4090.0))
    assert d.action == "hold" and "max_memory_mb" in d.reason

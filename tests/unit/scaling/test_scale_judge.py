"""The autoscaling judge on hand-made load samples; time comes from `sample.at`."""

from __future__ import annotations

import dataclasses

import pytest

from modules.config import AutoscaleConfig, PoolConfig
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


def sample(at: float = 0.0, *, instances: int = 3, **kw: object) -> LoadSample:
    """A calm sample: `instances` usable, nothing starting, little memory used."""
    base = dict(
        at=at,
        instances=instances,
        starting=0,
        in_flight=1,
        capacity=instances,
        queue_depth=0,
        p95_wait_s=0.0,
        arrival_rate_per_s=0.5,
        mean_service_s=2.0,
        cpu_percent=10.0,
        browser_memory_mb=500.0,
        memory_per_instance_mb=20.0,
    )
    base.update(kw)
    return LoadSample(**base)  # type: ignore[arg-type]


def test_from_config() -> None:
    s = ScaleSettings.from_config(
        PoolConfig(min_instances=2, max_instances=8),
        AutoscaleConfig(cooldown_s=12, max_memory_mb=2048),
    )
    assert (s.min_instances, s.max_instances, s.cooldown_s, s.max_memory_mb) == (2, 8, 12, 2048)
    assert (s.scale_up_threshold, s.scale_down_threshold) == (0.8, 0.3)


def test_settings_reject_min_above_max() -> None:
    with pytest.raises(ValueError, match="min_instances"):
        dataclasses.replace(SETTINGS, min_instances=7)


def test_below_min_scales_up_to_min() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, min_instances=3))
    d = judge.decide(sample(instances=1, in_flight=0, capacity=1))
    assert (d.action, d.current, d.target) == ("up", 1, 3)
    assert "1 instances below min_instances 3" in d.reason


def test_above_max_scales_down_to_max() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, max_instances=2))
    d = judge.decide(sample(instances=4, in_flight=4, capacity=4, queue_depth=5))
    assert (d.action, d.target) == ("down", 2)
    assert "above max_instances 2" in d.reason


def test_little_law_sets_needed() -> None:
    judge = Judge(SETTINGS)
    # 1.5 req/s × 2 s = 3 requests in service → 3 instances at 1 each.
    d = judge.decide(sample(arrival_rate_per_s=1.5, mean_service_s=2.0, in_flight=1))
    assert d.needed == 3
    per2 = Judge(dataclasses.replace(SETTINGS, max_concurrent_per_instance=2))
    assert per2.decide(sample(arrival_rate_per_s=1.5, mean_service_s=2.0)).needed == 2


def test_needed_is_clamped_to_min_and_max() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, min_instances=2))
    assert judge.decide(sample(arrival_rate_per_s=0.0)).needed == 2
    assert judge.decide(sample(arrival_rate_per_s=100.0)).needed == 6


def test_needed_without_service_time_uses_current_demand() -> None:
    judge = Judge(SETTINGS)
    d = judge.decide(sample(mean_service_s=None, in_flight=3, queue_depth=2))
    assert d.needed == 5


def test_high_utilisation_scales_up_by_one_with_numbers_in_reason() -> None:
    judge = Judge(SETTINGS)
    d = judge.decide(
        sample(
            instances=4,
            in_flight=4,
            capacity=4,
            queue_depth=3,
            arrival_rate_per_s=2.0,
            mean_service_s=2.0,
        )
    )
    assert (d.action, d.current, d.target) == ("up", 4, 5)
    assert d.reason == "utilisation 1.00 (4/4) > 0.80 and 3 waiting; need 4 by Little's law"


def test_waiting_requests_alone_scale_up() -> None:
    d = Judge(SETTINGS).decide(sample(instances=3, in_flight=2, capacity=3, queue_depth=1))
    assert d.action == "up"
    assert "1 waiting" in d.reason


def test_one_at_a_time_while_starting() -> None:
    judge = Judge(SETTINGS)
    d = judge.decide(sample(instances=4, starting=1, in_flight=3, capacity=3, queue_depth=4))
    assert d.action == "hold"
    assert "waiting for 1 starting" in d.reason


def test_never_above_max() -> None:
    d = Judge(SETTINGS).decide(sample(instances=6, in_flight=6, capacity=6, queue_depth=9))
    assert (d.action, d.target) == ("hold", 6)
    assert "max_instances 6" in d.reason


def test_memory_budget_holds() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, max_memory_mb=1000.0))
    d = judge.decide(
        sample(
            in_flight=3,
            capacity=3,
            queue_depth=2,
            browser_memory_mb=990.0,
            memory_per_instance_mb=20.0,
        )
    )
    assert d.action == "hold"
    assert "memory 990 MB + 20 MB" in d.reason and "max_memory_mb 1000" in d.reason


def test_unknown_instance_memory_assumes_60_mb() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, max_memory_mb=1000.0))
    busy = dict(in_flight=3, capacity=3, queue_depth=2, memory_per_instance_mb=None)
    assert judge.decide(sample(browser_memory_mb=940.0, **busy)).action == "up"
    d = judge.decide(sample(browser_memory_mb=941.0, **busy))
    assert d.action == "hold" and "60 MB" in d.reason


def test_memory_budget_also_holds_below_min() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, min_instances=2, max_memory_mb=500.0))
    d = judge.decide(sample(instances=1, capacity=1, in_flight=0, browser_memory_mb=481.0))
    assert d.action == "hold" and "memory" in d.reason


def test_scale_down_only_after_cooldown() -> None:
    judge = Judge(SETTINGS)
    idle = dict(instances=4, in_flight=0, capacity=4, arrival_rate_per_s=0.1)
    assert judge.decide(sample(0.0, **idle)).action == "hold"
    d = judge.decide(sample(29.0, **idle))
    assert d.action == "hold" and "29s of 30s" in d.reason
    d = judge.decide(sample(30.0, **idle))
    assert (d.action, d.target) == ("down", 3)
    assert "utilisation 0.00 (0/4) < 0.30" in d.reason
    # The next step down needs another full cooldown.
    assert judge.decide(sample(31.0, **idle)).action == "hold"
    assert judge.decide(sample(60.0, **idle)).action == "down"


def test_a_busy_moment_restarts_the_cooldown() -> None:
    judge = Judge(SETTINGS)
    idle = dict(instances=4, in_flight=0, capacity=4, arrival_rate_per_s=0.1)
    judge.decide(sample(0.0, **idle))
    judge.decide(sample(20.0, instances=4, in_flight=2, capacity=4))  # 0.5: not low
    assert judge.decide(sample(35.0, **idle)).action == "hold"
    assert judge.decide(sample(65.0, **idle)).action == "down"


def test_waiting_requests_block_scale_down() -> None:
    judge = Judge(SETTINGS)
    for at in (0.0, 40.0):
        d = judge.decide(sample(at, instances=6, in_flight=0, capacity=6, queue_depth=1))
        assert d.action != "down"


def test_never_below_min_or_little_law_need() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, min_instances=2, cooldown_s=0.0))
    d = judge.decide(sample(instances=2, in_flight=0, capacity=2, arrival_rate_per_s=0.0))
    assert d.action == "hold" and "floor 2" in d.reason
    # Load is momentarily low but Little's law says 3 are needed (1.5/s × 2 s).
    d = judge.decide(sample(instances=3, in_flight=0, capacity=3, arrival_rate_per_s=1.5))
    assert d.action == "hold" and "floor 3" in d.reason


def test_no_scale_down_while_an_instance_starts() -> None:
    judge = Judge(dataclasses.replace(SETTINGS, cooldown_s=0.0))
    d = judge.decide(
        sample(instances=5, starting=1, in_flight=0, capacity=4, arrival_rate_per_s=0.0)
    )
    assert d.action == "hold" and "starting" in d.reason


def test_middle_utilisation_holds() -> None:
    d = Judge(SETTINGS).decide(sample(instances=4, in_flight=2, capacity=4))
    assert d.action == "hold" and "0.50" in d.reason and "within" in d.reason


def test_zero_capacity_with_work_counts_as_saturated() -> None:
    d = Judge(SETTINGS).decide(sample(instances=1, in_flight=0, capacity=0, queue_depth=2))
    assert d.action == "up"


def test_with_settings_applies_new_limits_and_keeps_the_low_clock() -> None:
    judge = Judge(SETTINGS)
    idle = dict(instances=4, in_flight=0, capacity=4, arrival_rate_per_s=0.0)
    judge.decide(sample(0.0, **idle))
    raised = judge.with_settings(min_instances=4)
    assert raised.settings.min_instances == 4 and judge.settings.min_instances == 1
    assert raised.decide(sample(40.0, **idle)).action == "hold"
    lowered = judge.with_settings(max_instances=3)
    assert lowered.decide(sample(1.0, **idle)).target == 3
    assert judge.decide(sample(30.0, **idle)).action == "down"

"""HealthScore: consecutive failures, decaying error score, visible transitions."""

from __future__ import annotations

import pytest

from modules.pool.health_score import HealthScore


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_starts_healthy() -> None:
    h = HealthScore(3)
    assert not h.is_unhealthy
    assert (h.consecutive_failures, h.error_score, h.last_error) == (0, 0.0, None)


def test_threshold_consecutive_failures_make_it_unhealthy() -> None:
    h = HealthScore(3)
    assert h.mark_bad("timeout") is False
    assert h.mark_bad("timeout") is False
    assert h.mark_bad("page closed") is True  # the transition is reported once
    assert h.is_unhealthy
    assert h.mark_bad("again") is False
    assert h.last_error == "again"


def test_a_success_breaks_the_run() -> None:
    h = HealthScore(2)
    h.mark_bad("x")
    assert h.mark_good() is False  # was not unhealthy: no transition
    h.mark_bad("y")
    assert not h.is_unhealthy


def test_recovery_is_reported() -> None:
    h = HealthScore(1)
    assert h.mark_bad("challenge") is True
    assert h.mark_good() is True
    assert not h.is_unhealthy
    assert h.mark_good() is False


def test_error_score_rises_per_failure_and_halves_per_success() -> None:
    h = HealthScore(10)
    for _ in range(4):
        h.mark_bad("5xx")
    assert h.error_score == 4.0
    h.mark_good()
    assert h.error_score == 2.0
    h.mark_good()
    assert h.error_score == 1.0
    for _ in range(10):
        h.mark_good()
    assert h.error_score == 0.0  # snaps to zero instead of lingering as noise


def test_times_come_from_the_injected_clock() -> None:
    clock = FakeClock()
    h = HealthScore(3, clock=clock)
    clock.t = 5.0
    h.mark_bad("boom")
    clock.t = 9.0
    h.mark_good()
    assert (h.last_error_at, h.last_good_at) == (5.0, 9.0)
    assert h.last_error == "boom"  # kept after recovery, for the GUI


def test_reset_forgets_failures() -> None:
    h = HealthScore(2)
    h.mark_bad("a")
    h.mark_bad("b")
    h.reset()
    assert not h.is_unhealthy and h.error_score == 0.0


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HealthScore(0)

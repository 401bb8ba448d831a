"""Slots across identities: the n-th next send, and the paced capacity."""

from __future__ import annotations

import math

import pytest

from modules.config import PacingConfig
from modules.identity import Pace, Refusal
from modules.identity.schedule import capacity_per_hour, nth_slot

T = 1000.0


def pace(**kw: float) -> Pace:
    return Pace(PacingConfig(**{"min_interval_s": 10, "burst": 100, "burst_window_s": 100, **kw}))


def test_slots_interleave_identities_in_time_order() -> None:
    a, b = pace(), pace()
    a.on_send(T)  # a next at T+10, b free now
    b.on_send(T - 4)  # b next at T+6
    assert [nth_slot([a, b], T, n) for n in (1, 2, 3, 4)] == [T + 6, T + 10, T + 16, T + 20]
    assert a.state.sends == [T]  # the look-ahead works on copies


def test_penalised_identities_come_last_and_burst_budgets_bind() -> None:
    flagged, tight = pace(), pace(burst=2, burst_window_s=60, min_interval_s=0)
    flagged.on_refusal(T, Refusal.RECAPTCHA)  # penalty 1200 s
    assert [nth_slot([flagged, tight], T, n) for n in (1, 2, 3)] == [T, T, T + 60]
    assert nth_slot([flagged], T, 1) == T + 1200


def test_no_identity_no_slot() -> None:
    assert nth_slot([], T, 1) is None


def test_capacity_is_the_sum_of_rates() -> None:
    assert capacity_per_hour([pace(), pace(min_interval_s=20)]) == pytest.approx(360 + 180)
    assert capacity_per_hour([]) == 0
    assert math.isinf(capacity_per_hour([pace(), Pace(PacingConfig(enabled=False))]))

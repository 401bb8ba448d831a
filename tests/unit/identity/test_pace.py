"""One identity's pace: interval, burst budget, adaptation, penalties, site-given waits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.config import PacingConfig
from modules.identity import Pace, PaceState, Refusal

T0 = 1_700_000_000.0


def pace(**overrides: Any) -> Pace:
    values: dict[str, Any] = {
        "min_interval_s": 45,
        "max_interval_s": 900,
        "burst": 6,
        "burst_window_s": 900,
        "penalty_s": 1200,
        "penalty_max_s": 7200,
    }
    return Pace(PacingConfig(**{**values, **overrides}))


def test_a_fresh_identity_may_send_at_once_then_waits_the_interval() -> None:
    p = pace()
    assert p.allows(T0) and p.next_slot(T0) == T0 and p.wait_s(T0) == 0
    p.on_send(T0)
    assert not p.allows(T0 + 44.9)
    assert p.next_slot(T0 + 10) == T0 + 45
    assert p.wait_s(T0 + 10) == 35
    assert p.allows(T0 + 45)


def test_the_burst_budget_is_a_sliding_window() -> None:
    p = pace(min_interval_s=0, burst=3, burst_window_s=100)
    for t in (0, 1, 2):
        assert p.allows(T0 + t)
        p.on_send(T0 + t)
    # The fourth send waits until the oldest of the last three leaves the window.
    assert p.next_slot(T0 + 3) == T0 + 100
    p.on_send(T0 + 100)
    assert p.next_slot(T0 + 100) == T0 + 101
    assert p.state.sends == [T0 + 1, T0 + 2, T0 + 100]  # older sends are forgotten


def test_success_shrinks_the_interval_but_never_below_the_minimum() -> None:
    p = pace(min_interval_s=10, max_interval_s=100)
    p.on_refusal(T0, Refusal.RATE_LIMITED)
    assert p.state.interval_s == 20
    p.on_success(T0)
    assert p.state.interval_s == pytest.approx(18)
    for _ in range(50):
        p.on_success(T0)
    assert p.state.interval_s == 10


def test_refusals_double_the_interval_up_to_the_maximum() -> None:
    p = pace(min_interval_s=45, max_interval_s=300)
    for expected in (90, 180, 300, 300):
        p.on_refusal(T0, Refusal.RATE_LIMITED)
        assert p.state.interval_s == expected


def test_a_recaptcha_refusal_penalises_and_the_penalty_doubles_per_streak() -> None:
    p = pace(penalty_s=1200, penalty_max_s=7200)
    p.on_send(T0)
    p.on_refusal(T0, Refusal.RECAPTCHA)
    assert p.penalised(T0 + 1199) and p.penalty_left_s(T0) == 1200
    assert p.next_slot(T0) == T0 + 1200
    spans = []
    t = T0
    for _ in range(4):
        t = p.next_slot(t)
        p.on_send(t)
        p.on_refusal(t, Refusal.PROMPT_FAILED)
        spans.append(p.penalty_left_s(t))
    assert spans == [2400, 4800, 7200, 7200]  # doubling, capped at penalty_max_s
    assert p.state.streak == 5
    assert p.state.refusals == {"recaptcha": 1, "prompt_failed": 4}


def test_the_streak_ends_on_the_first_success() -> None:
    p = pace(penalty_s=10, penalty_max_s=1000)
    p.on_refusal(T0, Refusal.RECAPTCHA)
    p.on_refusal(T0, Refusal.RECAPTCHA)
    assert p.state.streak == 2
    p.on_success(T0 + 100)
    assert p.state.streak == 0
    p.on_refusal(T0 + 200, Refusal.RECAPTCHA)
    assert p.penalty_left_s(T0 + 200) == 10


def test_a_plain_429_waits_for_retry_after_without_a_penalty() -> None:
    p = pace(min_interval_s=5)
    p.on_send(T0)
    p.on_refusal(T0, Refusal.RATE_LIMITED, retry_after_s=120)
    assert not p.penalised(T0) and p.state.streak == 0
    assert p.next_slot(T0) == T0 + 120
    assert p.state.refusals == {"rate_limited": 1}


def test_ratelimit_headers_with_nothing_left_wait_for_the_reset() -> None:
    p = pace(min_interval_s=1)
    p.on_ratelimit(T0, remaining=3, reset_s=200)
    assert p.next_slot(T0) == T0
    p.on_ratelimit(T0, remaining=0, reset_s=200)
    assert p.next_slot(T0) == T0 + 200
    p.on_retry_after(T0, 10)  # a shorter wait never cuts a longer one
    assert p.next_slot(T0) == T0 + 200


def test_pacing_off_still_honours_penalties_and_site_waits() -> None:
    p = pace(enabled=False, penalty_s=60, penalty_max_s=60)
    for t in range(10):
        assert p.allows(T0 + t / 10)
        p.on_send(T0 + t / 10)
    p.on_refusal(T0 + 1, Refusal.RECAPTCHA)
    assert p.next_slot(T0 + 1) == T0 + 61
    assert p.rate_per_hour() == float("inf")


def test_rate_per_hour_is_the_binding_limit() -> None:
    assert pace().rate_per_hour() == pytest.approx(24)  # 6 per 900 s binds before 1 per 45 s
    assert pace(burst=100).rate_per_hour() == pytest.approx(80)


def test_state_round_trips_through_json_and_is_clamped_to_new_settings() -> None:
    p = pace()
    p.on_send(T0)
    p.on_refusal(T0, Refusal.RECAPTCHA, retry_after_s=30)
    text = json.dumps(p.state.to_json())
    restored = PaceState.from_json(json.loads(text))
    assert restored == p.state
    assert Pace(p.config, restored).next_slot(T0) == p.next_slot(T0)
    tighter = Pace(
        PacingConfig(min_interval_s=1, max_interval_s=50), PaceState.from_json(json.loads(text))
    )
    assert tighter.state.interval_s == 50


def test_unknown_state_versions_are_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        PaceState.from_json({"version": 99})

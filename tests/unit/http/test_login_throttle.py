"""Admin key guesses back off per client: lock-out after N, doubling, forgiven on success."""

from __future__ import annotations

import pytest

from modules.errors import TooManyAttempts
from modules.http.login_throttle import MAX_LOCKOUT_S, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lockout_doubles_and_is_per_client() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, 10, clock=clock)
    for _ in range(3):
        throttle.check("a")
        throttle.failed("a")
    with pytest.raises(TooManyAttempts) as locked:
        throttle.check("a")
    assert locked.value.retry_after_s == pytest.approx(10)
    throttle.check("b")  # another client is not affected
    clock.now += 10.5
    throttle.check("a")
    throttle.failed("a")  # the 4th wrong key: twice as long
    with pytest.raises(TooManyAttempts) as locked:
        throttle.check("a")
    assert locked.value.retry_after_s == pytest.approx(20)
    clock.now += 21
    throttle.succeeded("a")
    throttle.failed("a")
    throttle.check("a")  # a success forgave the past


def test_lockout_is_capped() -> None:
    clock = Clock()
    throttle = LoginThrottle(1, 30, clock=clock)
    for _ in range(200):
        throttle.failed("a")
        clock.now += MAX_LOCKOUT_S + 1
    throttle.failed("a")
    with pytest.raises(TooManyAttempts) as locked:
        throttle.check("a")
    assert locked.value.retry_after_s <= MAX_LOCKOUT_S

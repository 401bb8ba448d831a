"""Tracked paces: one object per identity, saved after each event, restored by user id."""

from __future__ import annotations

from pathlib import Path

from modules.config import PacingConfig
from modules.identity import Pace, PaceStore, Refusal
from modules.identity.book import PaceBook, TrackedPace
from modules.upstream.ratelimit import RateLimit

CONFIG = PacingConfig(
    min_interval_s=10, burst=3, burst_window_s=60, penalty_s=100, penalty_max_s=400
)


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_events_are_saved_and_a_new_book_restores_them(tmp_path: Path) -> None:
    clock = Clock()
    with PaceStore(tmp_path) as store:
        book = PaceBook(CONFIG, store, clock=clock)
        pace = book.pace_for("u-1")
        assert book.pace_for("u-1") is pace  # one live object per identity
        assert pace.allows()
        pace.sent()
        pace.refused(Refusal.RECAPTCHA)
        assert pace.penalised() and pace.penalty_left_s() == 100
        clock.t += 30
        assert pace.wait_s() == 70 and pace.next_slot() == 1100
    with PaceStore(tmp_path) as store:
        again = PaceBook(CONFIG, store, clock=clock).pace_for("u-1")
        assert again.state.streak == 1 and again.penalty_left_s() == 70
        assert again.state.sends == [1000.0]


def test_success_and_ratelimit_headers(tmp_path: Path) -> None:
    clock = Clock()
    with PaceStore(tmp_path) as store:
        pace = PaceBook(CONFIG, store, clock=clock).pace_for("u")
        pace.refused(Refusal.RATE_LIMITED, retry_after_s=5)
        assert pace.state.interval_s == 20 and pace.wait_s() == 5
        pace.succeeded()
        assert pace.state.interval_s == 18
        pace.rate_limit(RateLimit(1800, 4, 300))
        assert pace.wait_s() == 5  # something remains: no wait
        pace.rate_limit(RateLimit(1800, 0, 300))
        assert pace.wait_s() == 300
        assert store.load("u") == pace.state


def test_an_unknown_identity_is_paced_in_memory_only(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        book = PaceBook(CONFIG, store, clock=Clock())
        anonymous = book.pace_for(None)
        anonymous.sent()
        assert anonymous.wait_s() == 10
        assert book.pace_for(None) is not anonymous
        assert store.user_ids() == []


def test_released_identities_are_reloaded_from_the_store(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        book = PaceBook(CONFIG, store, clock=Clock())
        first = book.pace_for("u")
        first.sent()
        book.release("u")
        second = book.pace_for("u")
        assert second is not first and second.state == first.state


def test_a_failing_save_does_not_fail_the_event(tmp_path: Path) -> None:
    store = PaceStore(tmp_path)  # never opened: every save raises
    pace = TrackedPace(Pace(CONFIG), "u", store.save, Clock())
    pace.sent()
    assert pace.wait_s() == 10

"""Pace states and the pause survive a reopen of the SQLite store (WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from modules.config import PacingConfig
from modules.identity import Pace, PaceStore, Refusal


def test_states_survive_a_reopen_keyed_by_user_id(tmp_path: Path) -> None:
    pace = Pace(PacingConfig(min_interval_s=2, penalty_s=30, penalty_max_s=60))
    pace.on_send(1000.0)
    pace.on_refusal(1000.0, Refusal.RECAPTCHA)
    with PaceStore(tmp_path) as store:
        store.save("user-a", pace.state)
        store.save("user-b", Pace(pace.config).state)
        store.save("user-a", pace.state)  # an update, not a second row
    with PaceStore(tmp_path) as store:
        assert store.user_ids() == ["user-a", "user-b"]
        assert store.load("user-a") == pace.state
        assert store.load("nobody") is None
        store.forget("user-b")
        assert store.user_ids() == ["user-a"]


def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        store.save("u", Pace(PacingConfig()).state)
        mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_unreadable_row_starts_afresh(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        store.save("u", Pace(PacingConfig()).state)
        sqlite3.connect(store.path, isolation_level=None).execute(
            "UPDATE paces SET state = '{\"version\": 1}'"
        )
        assert store.load("u") is None


def test_pause_is_persisted(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        assert store.paused_until() == 0.0
        store.set_paused_until(1234.5)
    with PaceStore(tmp_path) as store:
        assert store.paused_until() == 1234.5
        store.set_paused_until(0)
        assert store.paused_until() == 0.0

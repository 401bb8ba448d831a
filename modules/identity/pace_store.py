"""Pacing state that survives restarts: one SQLite file (WAL) in the data folder.

Rows are keyed by the identity's user id, so a restored identity gets its own interval,
penalty, refusal streak and burst-window sends back. Writes are synchronous and small
(a few per send): a penalty must be on disk before the next request is dispatched, or a
kill -9 right after a refusal would let the restarted bridge send into the flag.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .pace import PaceState

log = logging.getLogger(__name__)

FILE_NAME = "identities.sqlite3"
_PAUSE_KEY = "paused_until"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS paces (
    user_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS flags (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class PaceStore:
    """Per-identity pace states and the bridge-wide pause, in one small SQLite file."""

    def __init__(self, folder: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(folder) / FILE_NAME
        self._clock = clock
        self._conn: sqlite3.Connection | None = None

    def open(self) -> PaceStore:
        """Create the folder and schema; safe to call twice."""
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> PaceStore:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the pace store is not open")
        return self._conn

    # -- paces -----------------------------------------------------------------------

    def load(self, user_id: str) -> PaceState | None:
        """The stored pace of `user_id`; None when unknown or unreadable (then it starts afresh)."""
        row = self._db().execute("SELECT state FROM paces WHERE user_id = ?", (user_id,)).fetchone()
        if row is None:
            return None
        try:
            return PaceState.from_json(json.loads(row[0]))
        except (ValueError, KeyError, TypeError) as err:
            log.warning("stored pace of an identity is unreadable (%s); starting afresh", err)
            return None

    def save(self, user_id: str, state: PaceState) -> None:
        self._db().execute(
            "INSERT INTO paces (user_id, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (user_id, json.dumps(state.to_json()), self._clock()),
        )

    def user_ids(self) -> list[str]:
        rows = self._db().execute("SELECT user_id FROM paces ORDER BY user_id").fetchall()
        return [r[0] for r in rows]

    def forget(self, user_id: str) -> None:
        self._db().execute("DELETE FROM paces WHERE user_id = ?", (user_id,))

    # -- pause -----------------------------------------------------------------------

    def paused_until(self) -> float:
        """Wall-clock end of the bridge-wide pause (0: not paused)."""
        row = self._db().execute("SELECT value FROM flags WHERE key = ?", (_PAUSE_KEY,)).fetchone()
        try:
            return float(row[0]) if row else 0.0
        except ValueError:
            return 0.0

    def set_paused_until(self, until: float) -> None:
        self._db().execute(
            "INSERT INTO flags (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_PAUSE_KEY, repr(float(until))),
        )

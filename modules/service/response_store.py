"""Stored Responses-API conversations, so `previous_response_id` works (SQLite, with a TTL).

Each stored response keeps the chat messages of its whole conversation (input and the
assistant's output, without `instructions`, which OpenAI does not carry over either).
Rows older than the TTL are invisible at once and deleted on the next write. The
connection is shared between threads under a lock; calls are short (one row).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    messages TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_created ON responses (created);
"""


class ResponseStore:
    """Conversations by response id; `path` None keeps them in memory only."""

    def __init__(
        self, path: Path | None, ttl_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        target = str(path) if path is not None else ":memory:"
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._ttl_s = ttl_s
        self._clock = clock

    def put(self, response_id: str, messages: list[dict[str, Any]]) -> None:
        """Keep this response's conversation (and drop expired ones)."""
        now = self._clock()
        encoded = json.dumps(messages, ensure_ascii=False)
        with self._lock:
            self._db.execute("DELETE FROM responses WHERE created < ?", (now - self._ttl_s,))
            self._db.execute(
                "INSERT OR REPLACE INTO responses (id, created, messages) VALUES (?, ?, ?)",
                (response_id, now, encoded),
            )

    def get(self, response_id: str) -> list[dict[str, Any]] | None:
        """The stored conversation, or None if unknown or older than the TTL."""
        with self._lock:
            row = self._db.execute(
                "SELECT messages FROM responses WHERE id = ? AND created >= ?",
                (response_id, self._clock() - self._ttl_s),
            ).fetchone()
        if row is None:
            return None
        messages: list[dict[str, Any]] = json.loads(row[0])
        return messages

    def count(self) -> int:
        """How many rows are stored (expired ones included until the next write)."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

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
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_created ON items (created);
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

    def put(
        self,
        response_id: str,
        messages: list[dict[str, Any]],
        items: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Keep this response's conversation and its output items by id (for
        `item_reference`), and drop expired rows."""
        now = self._clock()
        encoded = json.dumps(messages, ensure_ascii=False)
        rows = [(k, now, json.dumps(v, ensure_ascii=False)) for k, v in (items or {}).items()]
        with self._lock:
            for table in ("responses", "items"):
                self._db.execute(f"DELETE FROM {table} WHERE created < ?", (now - self._ttl_s,))
            self._db.execute(
                "INSERT OR REPLACE INTO responses (id, created, messages) VALUES (?, ?, ?)",
                (response_id, now, encoded),
            )
            self._db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?)", rows)

    def item(self, item_id: str) -> dict[str, Any] | None:
        """A stored output item (as a Responses input item), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT item FROM items WHERE id = ? AND created >= ?",
                (item_id, self._clock() - self._ttl_s),
            ).fetchone()
        if row is None:
            return None
        item: dict[str, Any] = json.loads(row[0])
        return item

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

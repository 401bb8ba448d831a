"""Durable request/event/alert history in SQLite, written by one background thread.

The file is in WAL mode with synchronous=NORMAL: every committed batch survives a
`kill -9` of the process (only a power cut can lose the last few commits). Records still
waiting in memory (normally the last 50 ms, one batch interval) are lost on such a kill.
Callers on the asyncio path only append to a queue; they never wait for SQLite.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import astuple
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from .history_sql import (
    ALERT_COLUMNS,
    EVENT_COLUMNS,
    REQUEST_COLUMNS,
    SCHEMA,
    add_missing_columns,
    prune_tables,
    request_filter,
)
from .history_writer import BatchWriter
from .quantiles import window_stats
from .records import InstanceEvent, RequestRecord

log = logging.getLogger(__name__)

# A request filter: one status code, a class ("4xx", "5xx"), any failure ("error"), or all.
StatusFilter = int | Literal["error", "4xx", "5xx"] | None

FILE_NAME = "history.sqlite3"
MAX_LIMIT = 10_000
PAGE_ROWS = 1000  # rows per read when streaming an export
MAX_STATS_ROWS = 200_000  # percentiles are computed in Python; cap the rows read
_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_WINDOW_S = 366 * 86400.0  # history is kept for days, not years


def parse_window(text: str) -> float:
    """Turn "1h", "6h", "24h", "7d" (any <number><s|m|h|d> up to a year) into seconds."""
    match = _WINDOW.match(text[:32])
    seconds = float(match.group(1)) * _UNIT_S[match.group(2)] if match else 0.0
    if not 0 < seconds <= MAX_WINDOW_S:
        raise ValueError(f"bad window {text[:32]!r}: use e.g. 1h, 6h, 24h or 7d (at most 366d)")
    return seconds


class HistoryStore:
    """Request, event and alert history; writes are queued, reads run in a worker thread."""

    def __init__(
        self,
        folder: Path,
        *,
        retention_days: float,
        max_rows: int,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
        prune_interval_s: float = 300.0,
    ) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self.retention_days = retention_days
        self.max_rows = max_rows
        self.enabled = enabled
        self._clock = clock
        self._writer = BatchWriter(self._connect, self._safe_prune, prune_interval_s)
        self._started = False
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> HistoryStore:
        """Create the folder and schema, then start the writer thread."""
        if not self.enabled or self._started or self._closed:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.executescript(SCHEMA)
            add_missing_columns(conn)
        finally:
            conn.close()
        self._started = True
        self._writer.start()
        return self

    def close(self) -> None:
        """Write everything queued, stop the writer and wait for it; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._writer.stop()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is committed; False on timeout."""
        return self._writer.flush(timeout)

    def __enter__(self) -> HistoryStore:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> HistoryStore:
        return self.start()

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.close)

    @property
    def pending(self) -> int:
        """Rows waiting for the writer (approximate)."""
        return self._writer.pending

    @property
    def dropped(self) -> int:
        """Rows lost because the queue was full or a write failed."""
        return self._writer.dropped

    # -- writes: O(1), never touch SQLite ---------------------------------------------

    def record_request(
        self, rec: RequestRecord, on_durable: Callable[[], None] | None = None
    ) -> bool:
        """Queue one finished request; `on_durable` runs once it is committed. False when
        history is off (nothing will be written, nothing to wait for)."""
        if not self.enabled or self._closed:
            return False
        self._writer.put(("requests", astuple(rec)), on_durable)
        return True

    def record_event(self, ev: InstanceEvent) -> None:
        """Queue one instance event."""
        if self.enabled and not self._closed:
            data = json.dumps(ev.data, default=str)
            row = (ev.ts, ev.kind, ev.instance_id, ev.old_state, ev.new_state, ev.reason, data)
            self._writer.put(("events", row))

    def record_alert(
        self,
        rule: str,
        state: Literal["firing", "resolved"],
        value: float | None,
        message: str,
        *,
        ts: float | None = None,
    ) -> None:
        """Queue one alert transition (wall-clock `ts`, now by default)."""
        if self.enabled and not self._closed:
            at = self._clock() if ts is None else ts
            self._writer.put(("alerts", (at, rule, state, value, message)))

    # -- retention ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def prune(self) -> dict[str, int]:
        """Delete rows older than retention_days, then the oldest beyond max_rows."""
        if not self.enabled or not self.path.exists():
            return {}
        conn = self._connect()
        try:
            return self._prune(conn)
        finally:
            conn.close()

    def _prune(self, conn: sqlite3.Connection) -> dict[str, int]:
        cutoff = self._clock() - self.retention_days * 86400
        return prune_tables(conn, cutoff, self.max_rows)

    def _safe_prune(self, conn: sqlite3.Connection) -> None:
        try:
            removed = self._prune(conn)
        except sqlite3.Error:
            log.exception("history: pruning failed")
            return
        if any(removed.values()):
            log.info("history: pruned %s", removed)

    # -- reads: a fresh connection per call, in a worker thread --------------------------

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        if not self.enabled or not self.path.exists():
            return []
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only=ON")
            return [dict(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    async def requests(
        self,
        since: float | None = None,
        model: str | None = None,
        status: StatusFilter = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Recent requests, newest first; status is a code, a class ("4xx", "5xx") or
        "error" (any failure)."""
        where, params = request_filter(since, model, status)
        sql = (
            f"SELECT {', '.join(REQUEST_COLUMNS)} FROM requests {where} "
            "ORDER BY ts DESC, id DESC LIMIT ?"
        )
        rows = await asyncio.to_thread(self._query, sql, (*params, _clamp(limit)))
        for row in rows:
            row["stream"] = bool(row["stream"])
        return rows

    async def request_pages(
        self,
        since: float | None = None,
        until: float | None = None,
        status: StatusFilter = None,
        page_rows: int = PAGE_ROWS,
        model: str | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every matching request, oldest first, a page at a time (never the whole table)."""
        after: tuple[float, int] | None = None
        while True:
            where, params = request_filter(since, model, status, until, after=after)
            # The time index, also when a status filter is given: each page is then a
            # short range scan, never a sort of every matching row.
            sql = (
                f"SELECT id, {', '.join(REQUEST_COLUMNS)} FROM requests INDEXED BY requests_ts "
                f"{where} ORDER BY ts, id LIMIT ?"
            )
            rows = await asyncio.to_thread(self._query, sql, (*params, page_rows))
            if not rows:
                return
            after = (rows[-1]["ts"], rows[-1].pop("id"))
            for row in rows:
                row.pop("id", None)
                row["stream"] = bool(row["stream"])
            yield rows

    async def events(self, since: float | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Recent instance events, newest first, with `data` decoded."""
        where, params = ("WHERE ts >= ?", (since,)) if since is not None else ("", ())
        sql = (
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events {where} "
            "ORDER BY ts DESC, id DESC LIMIT ?"
        )
        rows = await asyncio.to_thread(self._query, sql, (*params, _clamp(limit)))
        for row in rows:
            row["data"] = json.loads(row["data"]) if row["data"] else {}
        return rows

    async def alerts(self, limit: int = 100) -> list[dict[str, Any]]:
        """Recent alert transitions, newest first."""
        sql = f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts ORDER BY ts DESC, id DESC LIMIT ?"
        return await asyncio.to_thread(self._query, sql, (_clamp(limit),))

    async def stats(self, window_s: float, now: float | None = None) -> dict[str, Any]:
        """Totals, percentiles, per-model/instance summaries and a ~60-point series."""
        end = self._clock() if now is None else now
        since = end - window_s
        rows = await self.window_rows(since, end)
        result = await asyncio.to_thread(window_stats, rows, since, window_s)
        result["truncated"] = len(rows) >= MAX_STATS_ROWS
        return result

    async def window_rows(self, since: float, until: float) -> list[dict[str, Any]]:
        """The requests of a period for summaries, newest first, at most MAX_STATS_ROWS."""
        sql = (
            "SELECT ts, model, instance_id, status, error_kind, ttft_s, duration_s, "
            "prompt_tokens, completion_tokens FROM requests WHERE ts >= ? AND ts <= ? "
            "ORDER BY ts DESC LIMIT ?"
        )
        return await asyncio.to_thread(self._query, sql, (since, until, MAX_STATS_ROWS))


def _clamp(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))

"""The single background thread that batches history rows into SQLite transactions."""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from .history_sql import insert_sql

log = logging.getLogger(__name__)

BATCH_SIZE = 200
BATCH_INTERVAL_S = 0.05
MAX_QUEUED = 100_000  # beyond this the writer is hopelessly behind; drop rather than grow

Row = tuple[str, tuple[Any, ...]]  # (table, values in column order)


class _Flush:
    """Queue marker: the writer sets `done` once everything queued before it is written."""

    def __init__(self) -> None:
        self.done = threading.Event()


class _Durable:
    """Queue item: a row whose writer waits; `notify` runs once its batch is committed."""

    __slots__ = ("row", "notify")

    def __init__(self, row: Row, notify: Callable[[], None]) -> None:
        self.row = row
        self.notify = notify


_STOP = object()


class BatchWriter:
    """Owns the queue and the writer thread; `put` is O(1) and never touches SQLite."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        maintain: Callable[[sqlite3.Connection], None],
        maintain_interval_s: float,
    ) -> None:
        self.dropped = 0
        self._connect = connect
        self._maintain = maintain
        self._maintain_interval_s = maintain_interval_s
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=MAX_QUEUED)
        self._thread: threading.Thread | None = None

    @property
    def pending(self) -> int:
        """Items waiting to be written (approximate)."""
        return self._queue.qsize()

    @property
    def running(self) -> bool:
        """True while the writer thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def put(self, row: Row, on_durable: Callable[[], None] | None = None) -> None:
        """Queue one row; when the queue is full the row is dropped and counted.

        `on_durable` runs (in the writer thread) once the row's transaction is committed,
        or at once when it was dropped: nobody waits for ever on a broken disk.
        """
        try:
            self._queue.put_nowait(row if on_durable is None else _Durable(row, on_durable))
        except queue.Full:
            self.dropped += 1
            if on_durable is not None:
                on_durable()

    def start(self) -> None:
        """Start the thread; rows queued earlier are written first."""
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Write everything queued, then end the thread and wait for it."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued so far is committed; False on timeout."""
        if not self.running:
            return True
        marker = _Flush()
        self._queue.put(marker)
        return marker.done.wait(timeout)

    def _run(self) -> None:
        conn = self._connect()
        next_maintenance = time.monotonic()
        try:
            while True:
                if time.monotonic() >= next_maintenance:
                    self._maintain(conn)
                    next_maintenance = time.monotonic() + self._maintain_interval_s
                batch, after, stop = self._take_batch()
                self._write(conn, batch)
                for notify in after:
                    notify()
                if stop:
                    return
        finally:
            conn.close()

    def _take_batch(self) -> tuple[list[Row], list[Callable[[], None]], bool]:
        """Block for a first item, then gather up to BATCH_SIZE within BATCH_INTERVAL_S.

        Group commit: once someone waits for the batch (a durable row or a flush), only
        what is queued already joins it; rows that arrive while it commits form the next.
        """
        batch: list[Row] = []
        after: list[Callable[[], None]] = []
        try:
            item = self._queue.get(timeout=1.0)  # wake up now and then for maintenance
        except queue.Empty:
            return batch, after, False
        deadline = time.monotonic() + BATCH_INTERVAL_S
        while True:
            if item is _STOP:
                return batch, after, True
            if isinstance(item, _Flush):
                after.append(item.done.set)
            elif isinstance(item, _Durable):
                batch.append(item.row)
                after.append(item.notify)
            else:
                batch.append(item)
            remaining = 0.0 if after else deadline - time.monotonic()
            if len(batch) >= BATCH_SIZE:
                return batch, after, False
            try:
                item = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                return batch, after, False

    def _write(self, conn: sqlite3.Connection, batch: list[Row]) -> None:
        if not batch:
            return
        by_table: dict[str, list[tuple[Any, ...]]] = {}
        for table, values in batch:
            by_table.setdefault(table, []).append(values)
        try:
            with conn:  # one transaction per batch
                for table, rows in by_table.items():
                    conn.executemany(insert_sql(table), rows)
        except sqlite3.Error:
            # History must never take the bridge down; losing one batch is the lesser evil.
            self.dropped += len(batch)
            log.exception("history: dropped a batch of %d rows", len(batch))

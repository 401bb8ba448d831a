"""The recent log in memory: a bounded ring of safe entries, filtered for the console."""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from .log_entry import LEVELS, EntryMaker, LogEntry, is_private

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which entries a reader wants; every field is optional."""

    level: str | None = None  # this level and above
    component: str | None = None  # a component ("pool") or a logger name prefix
    instance: str | None = None
    text: str | None = None  # case-insensitive substring of the message
    since: float | None = None  # wall-clock seconds; entries strictly after
    after_seq: int | None = None  # entries strictly after this sequence number

    def __post_init__(self) -> None:
        if self.level is not None and self.level.upper() not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")

    def matches(self, entry: LogEntry) -> bool:
        """True when `entry` passes every filter that is set."""
        return (
            (self.level is None or _rank(entry.level) >= _rank(self.level))
            and (self.component is None or _in_component(entry, self.component))
            and (self.instance is None or entry.instance_id == self.instance)
            and (self.text is None or self.text.lower() in entry.message.lower())
            and (self.since is None or entry.ts > self.since)
            and (self.after_seq is None or entry.seq > self.after_seq)
        )


def _rank(level: str) -> int:
    upper = level.upper()
    return LEVELS.index(upper) if upper in LEVELS else 0


def _in_component(entry: LogEntry, wanted: str) -> bool:
    return entry.component == wanted or entry.logger.startswith(wanted)


class LogBuffer:
    """Keeps the last `capacity` entries; thread-safe; tells subscribers of each new one."""

    def __init__(self, capacity: int) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[LogEntry], None]] = []

    def add(self, entry: LogEntry, *, notify: bool = True) -> LogEntry:
        """Number and keep `entry` (the oldest goes when full), then tell the subscribers."""
        with self._lock:
            entry = replace(entry, seq=next(self._seq))
            self._entries.append(entry)
        for callback in list(self._subscribers) if notify else ():
            callback(entry)
        return entry

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest entry (0 when empty)."""
        with self._lock:
            return self._entries[-1].seq if self._entries else 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def subscribe(self, callback: Callable[[LogEntry], None]) -> None:
        """Call `callback(entry)` for every new entry, on the thread that logged it."""
        self._subscribers.append(callback)

    def query(self, wanted: LogFilter, limit: int = DEFAULT_LIMIT) -> list[LogEntry]:
        """The newest `limit` entries that match, oldest first."""
        limit = max(0, limit)
        with self._lock:
            entries = list(self._entries)
        found: list[LogEntry] = []
        for entry in reversed(entries):
            if len(found) >= limit:
                break
            if wanted.matches(entry):
                found.append(entry)
        found.reverse()
        return found

    def components(self) -> list[str]:
        """Components seen in the buffer, sorted (for the console's filter)."""
        with self._lock:
            return sorted({e.component for e in self._entries})


class BufferHandler(logging.Handler):
    """A logging handler that feeds a LogBuffer with safe entries (never private records)."""

    def __init__(self, buffer: LogBuffer, maker: EntryMaker, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.buffer = buffer
        self._maker = maker
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if is_private(record):
            return
        # A line logged by a subscriber while it is told of another is kept, but its
        # subscribers are not told: a failing subscriber must not loop into itself.
        nested = getattr(self._local, "busy", False)
        self._local.busy = True
        try:
            self.buffer.add(self._maker.make(record), notify=not nested)
        except Exception:
            self.handleError(record)
        finally:
            self._local.busy = nested

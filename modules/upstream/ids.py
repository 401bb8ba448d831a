"""RFC 9562 UUIDv7 ids, time-ordered like the ones the site mints."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

_COUNTER_BITS = 12  # rand_a holds a counter so ids from one process stay ordered
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1


class Uuid7Generator:
    """Makes UUIDv7 strings that are strictly increasing within one generator."""

    __slots__ = ("_clock_ms", "_random", "_lock", "_last_ms", "_counter")

    def __init__(
        self,
        clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._clock_ms = clock_ms
        self._random = random_bytes
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def __call__(self) -> str:
        """Return a new UUIDv7 in canonical 8-4-4-4-12 form."""
        with self._lock:
            ms, counter = self._next_timestamp()
        rand_b = int.from_bytes(self._random(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
        return _format(value)

    def _next_timestamp(self) -> tuple[int, int]:
        now = self._clock_ms()
        if now > self._last_ms:
            # Start low in the counter space so many ids fit in one millisecond.
            self._last_ms = now
            self._counter = int.from_bytes(self._random(2), "big") & (_COUNTER_MAX >> 1)
        elif self._counter < _COUNTER_MAX:
            self._counter += 1  # same millisecond, or the clock went back
        else:
            self._last_ms += 1  # counter exhausted: borrow the next millisecond
            self._counter = 0
        return self._last_ms, self._counter


def _format(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# One process-wide generator is what makes ids monotonic across callers; it holds
# no configuration, only the last timestamp and counter.
_default = Uuid7Generator()


def uuid7() -> str:
    """Return a new UUIDv7 string (48-bit unix ms, version 7, RFC variant, random rest)."""
    return _default()

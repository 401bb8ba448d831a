"""The bridge-wide pause: while it lasts no request reaches the site; it survives restarts."""

from __future__ import annotations

import time
from collections.abc import Callable

from .pace_store import PaceStore


class PauseSwitch:
    """Paused until a wall-clock time (0: running); saved in the pace store when there is one.

    The stored end is read at the first question, so the switch may be built before the
    store is opened (the coordinator opens it when it starts)."""

    def __init__(self, store: PaceStore | None, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._until: float | None = None if store is not None else 0.0

    def _end(self) -> float:
        if self._until is None:
            self._until = self._store.paused_until() if self._store is not None else 0.0
        return self._until

    def pause(self, seconds: float) -> float:
        """Pause for `seconds` from now (0 resumes); returns the remaining seconds."""
        until = self._clock() + seconds if seconds > 0 else 0.0
        if self._store is not None:
            self._store.set_paused_until(until)  # on disk first: a crash must not unpause
        self._until = until
        return self.remaining_s()

    def remaining_s(self) -> float:
        return max(0.0, self._end() - self._clock())

    @property
    def paused(self) -> bool:
        return self.remaining_s() > 0

    @property
    def until(self) -> float | None:
        """Wall-clock end of the pause, None when running."""
        return self._end() if self.paused else None

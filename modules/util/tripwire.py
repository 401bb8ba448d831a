"""Cut short every await running inside `guard()` once `trip()` is called, without extra tasks.

Like asyncio.timeout, a trip cancels the guarded task itself and takes the cancellation back
when it reaches the guard, which raises the caller's error instead. A cancellation from
outside stays a cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Guarded:
    """One task inside one guard, and whether a trip cancelled it."""

    __slots__ = ("task", "cut")

    def __init__(self, task: asyncio.Task[object]) -> None:
        self.task = task
        self.cut = False


class Tripwire:
    """Once tripped, stays tripped: guarded awaits end at once with the caller's error."""

    def __init__(self) -> None:
        self.tripped = False
        self._inside: set[_Guarded] = set()

    def trip(self) -> None:
        if self.tripped:
            return
        self.tripped = True
        for guarded in self._inside:
            guarded.cut = True
            guarded.task.cancel()

    @contextmanager
    def guard(self, error: Callable[[], BaseException]) -> Iterator[None]:
        """Run the block in the current task; a trip (before or during it) raises `error()`."""
        if self.tripped:
            raise error()
        task = asyncio.current_task()
        assert task is not None, "guard() runs inside a task"
        guarded = _Guarded(task)
        self._inside.add(guarded)
        try:
            yield
        except asyncio.CancelledError:
            if not guarded.cut:
                raise
            guarded.cut = False
            if task.uncancel() > 0:
                raise  # cancelled from outside too: that one wins
            raise error() from None
        finally:
            self._inside.discard(guarded)
            if guarded.cut:  # the block swallowed the cancellation: take it back
                task.uncancel()

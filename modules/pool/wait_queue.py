"""The fair FIFO queue where requests wait when no instance is free.

Waiters are woken by `wake_next`, called when capacity frees; nothing polls. A value
handed to a waiter that is already leaving (cancelled or timed out in the same loop
turn) is given back through `on_orphan`, so a reserved slot is never lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_MEAN_SERVICE_S = 5.0


class QueueFull(Exception):
    """The queue already holds `max_size` waiters."""

    def __init__(self, depth: int) -> None:
        super().__init__(f"wait queue is full ({depth} waiting)")
        self.depth = depth


class QueueTimeout(Exception):
    """A waiter was not woken before its deadline."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(f"no instance became free within {waited_s:.1f}s")
        self.waited_s = waited_s


@dataclass(eq=False)
class Waiter:
    """One waiting request: a future resolved by `wake_next`."""

    future: asyncio.Future[Any]
    enqueued_at: float
    # True once the value was delivered to its owner or given back via on_orphan.
    claimed: bool = field(default=False, repr=False)


class WaitQueue:
    """Bounded FIFO of waiters, woken oldest first."""

    def __init__(
        self,
        max_size: int,
        *,
        on_orphan: Callable[[Any], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_size = max_size
        self._on_orphan = on_orphan
        self._clock = clock
        self._waiters: deque[Waiter] = deque()

    def __len__(self) -> int:
        return sum(1 for w in self._waiters if not w.future.done())

    def enqueue(self, *, front: bool = False) -> Waiter:
        """Add a waiter at the back (the head when `front`: a request that already waited
        its turn); raise QueueFull when the queue is at max_size."""
        depth = len(self)
        if depth >= self.max_size and not front:
            raise QueueFull(depth)
        waiter = Waiter(asyncio.get_running_loop().create_future(), self._clock())
        if front:
            self._waiters.appendleft(waiter)
        else:
            self._waiters.append(waiter)
        return waiter

    def wake_next(self, value: Any) -> bool:
        """Resolve the oldest pending waiter with `value`; return whether one was woken."""
        while self._waiters:
            waiter = self._waiters.popleft()
            # Cancelled waiters may linger until their task runs its cleanup; skip them.
            if not waiter.future.done():
                waiter.future.set_result(value)
                return True
        return False

    def position(self, waiter: Waiter) -> int:
        """1-based place among pending waiters; 0 when the waiter no longer waits."""
        pos = 0
        for w in self._waiters:
            if not w.future.done():
                pos += 1
                if w is waiter:
                    return pos
        return 0

    def remove(self, waiter: Waiter) -> None:
        """Withdraw a waiter; a value already handed to it goes to `on_orphan`."""
        try:
            self._waiters.remove(waiter)
        except ValueError:
            pass  # already woken or removed
        fut = waiter.future
        if not fut.done():
            fut.cancel()
        elif not fut.cancelled() and not waiter.claimed:
            waiter.claimed = True
            self._hand_back(fut.result())

    async def wait(self, waiter: Waiter, timeout_s: float | None) -> Any:
        """Wait until woken and return the value; QueueTimeout after `timeout_s`."""
        try:
            async with asyncio.timeout(timeout_s):
                value = await waiter.future
        except TimeoutError:
            self.remove(waiter)
            raise QueueTimeout(self._clock() - waiter.enqueued_at) from None
        except BaseException:
            # Cancellation (client gone) may race a wake-up; remove() returns the value.
            self.remove(waiter)
            raise
        waiter.claimed = True
        return value

    def _hand_back(self, value: Any) -> None:
        if self._on_orphan is None:
            log.debug("orphaned wait-queue value dropped (no on_orphan): %r", value)
            return
        self._on_orphan(value)


def retry_after_s(position: int, mean_service_s: float | None, slots: int) -> float:
    """Seconds a client should wait: position × mean service time ÷ slots, at least 1."""
    mean = DEFAULT_MEAN_SERVICE_S if mean_service_s is None else mean_service_s
    return max(1.0, position * mean / max(1, slots))

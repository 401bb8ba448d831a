"""Hands instances to requests: strategy choice when one is free, a fair FIFO wait otherwise.

An instance is free when it has a slot and its identity's pace allows a send now. Waiters
are woken when a slot comes back, when an instance becomes ready, and by one timer set for
the earliest paced slot: nothing polls. A request whose paced slot lies beyond the queue
timeout is told at once (503 + the computed wait), not after waiting it out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..config import BalancerConfig, QueueConfig
from ..errors import NoPacedSlot, NoUsableInstance, Paused, QueueFullError, QueueWaitTimeout
from ..identity.schedule import nth_slot
from .instance import Instance
from .instance_state import State
from .latency import Ewma
from .pinned_waiters import PinnedWaiters
from .strategies import Strategy, make_strategy
from .wait_queue import QueueFull, QueueTimeout, WaitQueue, retry_after_s

log = logging.getLogger(__name__)
FIRST_MEASUREMENT_WAIT_S = 15.0


@dataclass(slots=True)
class Lease:
    """One request's hold on one instance slot; released exactly once."""

    instance: Instance
    queue_wait_s: float
    strategy: str
    released: bool = False


class Dispatcher:
    """Picks an eligible instance by strategy; queues and wakes waiters without polling."""

    def __init__(
        self,
        balancer: BalancerConfig,
        queue: QueueConfig,
        instances: Callable[[], Iterable[Instance]],
        *,
        seed: int | None = None,
    ) -> None:
        self._balancer = balancer
        self._instances = instances
        self._rng = random.Random(seed)
        self.strategy: Strategy = self._make(balancer.strategy)
        self.queue_timeout_s = queue.timeout_s
        self.queue = WaitQueue(queue.max_size, on_orphan=self._orphan)
        self.service_time = Ewma(0.2)
        self._measured = asyncio.Event()  # set by the first completion that measured a time
        self.queue_wait = Ewma(0.2)
        self.arrivals = 0  # requests asked for a lease, ever (the autoscaler takes rates)
        # Called after any slot comes back (the pool closes drained instances there).
        self.on_release: Callable[[Instance], None] = lambda instance: None
        self._pinned = PinnedWaiters(on_orphan=self._orphan)  # affinity, before the queue
        self._timer: asyncio.TimerHandle | None = None  # wakes waiters at the next paced slot
        # The operator's pause as the error to answer with, None when running (POST /api/pause).
        self.paused: Callable[[], Paused | None] = lambda: None

    def _make(self, name: str) -> Strategy:
        return make_strategy(
            name,
            rng=self._rng,
            exploration_rate=self._balancer.exploration_rate,
            stale_after_s=self._balancer.stale_after_s,
        )

    def set_strategy(self, name: str) -> None:
        self.strategy = self._make(name)
        log.info("strategy is now %s", name)

    def _eligible(self, exclude: set[str]) -> list[Instance]:
        if self.paused() is not None:
            return []  # paused: nothing is leased, so nothing reaches the site
        return [
            i
            for i in self._instances()
            if i.has_room and not i.spare and i.id not in exclude and i.pace.allows()
        ]

    def _pick(self, exclude: set[str]) -> Instance | None:
        candidates = self._eligible(exclude)
        if not candidates:
            return None
        by_id = {i.id: i for i in candidates}
        chosen = self.strategy.choose([i.snapshot() for i in candidates], time.monotonic())
        log.debug("%s chose %s among %d", self.strategy.name, chosen.id, len(candidates))
        return by_id[chosen.id]

    @staticmethod
    def _reserve(instance: Instance) -> None:
        instance.reserve(time.monotonic())

    async def acquire(
        self,
        exclude: set[str] | None = None,
        *,
        front: bool = False,
        timeout_s: float | None = None,
    ) -> Lease:
        """A lease on an instance; waits in the FIFO queue; 503 (Unavailable) when it cannot.

        `front`: a request the site refused goes back to the head of the queue (it is not
        a new arrival) and waits at most `timeout_s` (default `queue.timeout_s`)."""
        self.check_paused()
        exclude = exclude or set()
        timeout = self.queue_timeout_s if timeout_s is None else timeout_s
        if not front:
            self.arrivals += 1
        # Requests already waiting go first: a newcomer never jumps the queue.
        instance = self._pick(exclude) if front or len(self.queue) == 0 else None
        if instance is None and exclude and (front or len(self.queue) == 0):
            instance = self._pick(set())
        if instance is not None:
            self._reserve(instance)
            return Lease(instance, 0.0, self.strategy.name)
        if not self.could_serve():
            raise self._hopeless()
        self._refuse_past_slot(1 if front else len(self.queue) + 1, timeout)
        started = time.monotonic()
        try:
            waiter = self.queue.enqueue(front=front)
        except QueueFull:
            if not self.paced_wait_s(len(self.queue) + 1):  # a paced slot needs no measurement
                await self._first_measurement()
            raise QueueFullError(
                "All instances are busy and the queue is full; retry later.",
                retry_after_s=self.retry_after(len(self.queue) + 1),
            ) from None
        self._arm_timer()
        try:
            instance = await self.queue.wait(waiter, timeout)
        except QueueTimeout:
            raise QueueWaitTimeout(
                f"No instance became free within {timeout:g}s; retry later.",
                retry_after_s=self.retry_after(len(self.queue) + 1),
            ) from None
        if instance is None:  # woken because the bridge paused or no instance can serve
            self.check_paused()
            raise self._hopeless()
        waited = time.monotonic() - started
        self.queue_wait.update(waited)
        return Lease(instance, waited, self.strategy.name)

    async def acquire_on(self, instance_id: str, wait_s: float) -> Lease | None:
        """A lease on this one instance (a conversation's own) within `wait_s`, else None."""
        instance = next((i for i in self._instances() if i.id == instance_id), None)
        if instance is None or instance.spare or self.paused() is not None:
            return None
        if instance.has_room and instance.pace.allows():
            self._reserve(instance)
            return Lease(instance, 0.0, "affinity")
        if wait_s <= 0 or instance.base_state in (State.DRAINING, State.CLOSED):
            return None
        if instance.pace.wait_s() > wait_s:
            return None  # continuity never overrides pacing: a new chat elsewhere
        started = time.monotonic()
        pin = self._pinned.pin(instance_id)
        self._arm_timer()
        got = await self._pinned.wait(pin, wait_s)
        return None if got is None else Lease(got, time.monotonic() - started, "affinity")

    def paced_wait_s(self, position: int) -> float | None:
        """Seconds until the `position`-th next send any identity's pace allows; None when
        no identity is up (all starting, parked or gone)."""
        paces = [i.pace.pace for i in self._instances() if _paced(i)]
        now = time.time()
        slot = nth_slot(paces, now, position)
        return None if slot is None else max(0.0, slot - now)

    def _refuse_past_slot(self, position: int, timeout_s: float) -> None:
        if any(i.base_state is State.STARTING and not i.spare for i in self._instances()):
            return  # a new identity may take it soon: wait (bounded by the timeout)
        wait = self.paced_wait_s(position)
        if wait is not None and wait > timeout_s:
            raise NoPacedSlot(
                f"No identity may send within {timeout_s:g}s: the earliest slot is in "
                f"{wait:.0f}s (each identity is paced to keep its standing with the site); "
                "retry later.",
                retry_after_s=wait,
            )

    def could_serve(self) -> bool:
        """True while some instance is serving, starting, or only resting after a 429."""
        serving = (State.STARTING, State.READY, State.COOLING_DOWN)
        return any(i.base_state in serving for i in self._instances())

    def _hopeless(self) -> NoUsableInstance:
        parked = sum(1 for i in self._instances() if i.base_state is State.NEEDS_ATTENTION)
        why = f"{parked} need a person's attention" if parked else "none is running"
        return NoUsableInstance(
            f"No instance can serve requests now ({why}); retry later.", retry_after_s=30
        )

    def check_paused(self) -> None:
        """Raise Paused (503 + Retry-After) while the operator's pause lasts."""
        paused = self.paused()
        if paused is not None:
            raise paused

    def fail_waiters_if_hopeless(self) -> None:
        """Waiters get a 503 at once instead of sitting out the queue timeout."""
        if self.could_serve():
            return
        while self.queue.wake_next(None):
            pass

    async def _first_measurement(self) -> None:
        """At a cold start nothing has finished yet: a guessed service time made Retry-After
        7x too long. Let the refusal wait for the first measured request (bounded)."""
        if self._measured.is_set():
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(min(self.queue_timeout_s, FIRST_MEASUREMENT_WAIT_S)):
                await self._measured.wait()

    def retry_after(self, position: int) -> float:
        """When to come back: the later of the paced slot and the busy slots' estimate."""
        slots = sum(i.max_concurrent for i in self._instances() if i.usable) or 1
        busy = retry_after_s(position, self.service_time.value, slots)
        return max(busy, self.paced_wait_s(position) or 0.0)

    def release(self, lease: Lease, service_s: float | None = None) -> None:
        """Give the slot back (idempotent) and wake the next waiter."""
        if lease.released:
            return
        lease.released = True
        lease.instance.release()
        if service_s is not None:
            self.service_time.update(service_s)
            self._measured.set()
        self.on_release(lease.instance)
        self.wake()

    def _orphan(self, instance: Instance | None) -> None:
        # A waiter was handed this instance but gave up (timeout/cancel) at the same moment.
        if instance is None:
            return
        instance.release()
        self.on_release(instance)
        self.wake()

    def wake(self) -> None:
        """Hand free capacity to waiters, oldest first (called whenever capacity appears)."""
        self._pinned.serve(self._instances(), self.paused() is not None, self._reserve)
        while len(self.queue):
            instance = self._pick(set())
            if instance is None:
                break
            self._reserve(instance)
            if not self.queue.wake_next(instance):
                instance.release()
                break
        self._arm_timer()

    def _arm_timer(self) -> None:
        """One timer for the earliest paced slot that a waiter could take."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queued = len(self.queue) > 0
        pinned = self._pinned.waited_for()
        waits = [
            i.pace.wait_s()
            for i in self._instances()
            if i.has_room and not i.spare and (queued or i.id in pinned)
        ]
        if waits and min(waits) > 0:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(min(waits), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.wake()


def _paced(inst: Instance) -> bool:
    """Whether an instance's identity will send again without a person or a restart."""
    return not inst.spare and inst.base_state in (State.READY, State.COOLING_DOWN)

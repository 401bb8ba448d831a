"""The FIFO wait queue: fairness, event-driven wake-up, deadlines, and no lost slots."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from modules.pool.wait_queue import QueueFull, QueueTimeout, WaitQueue, retry_after_s


class FakeClock:
    def __init__(self, t: float = 100.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def settle() -> None:
    """Let every ready task run a step (no wall-clock sleeping)."""
    for _ in range(3):
        await asyncio.sleep(0)


async def test_waiters_are_woken_oldest_first() -> None:
    q = WaitQueue(10)
    waiters = [q.enqueue() for _ in range(3)]
    tasks = [asyncio.create_task(q.wait(w, None)) for w in waiters]
    await settle()
    assert [q.position(w) for w in waiters] == [1, 2, 3]
    for value in ("a", "b", "c"):
        assert q.wake_next(value)
    assert await asyncio.gather(*tasks) == ["a", "b", "c"]
    assert len(q) == 0
    assert not q.wake_next("nobody")


async def test_wake_up_is_event_driven() -> None:
    q = WaitQueue(1)
    waiter = q.enqueue()
    task = asyncio.create_task(q.wait(waiter, None))
    await settle()
    # Nothing wakes it but wake_next: after many loop turns it still waits.
    assert not task.done()
    q.wake_next("slot")
    await settle()
    assert task.done() and task.result() == "slot"


async def test_enqueued_at_uses_the_injected_clock() -> None:
    clock = FakeClock(42.0)
    waiter = WaitQueue(1, clock=clock).enqueue()
    assert waiter.enqueued_at == 42.0


async def test_full_queue_raises_with_depth() -> None:
    q = WaitQueue(2)
    q.enqueue()
    q.enqueue()
    with pytest.raises(QueueFull) as err:
        q.enqueue()
    assert err.value.depth == 2


async def test_zero_size_queue_refuses_everyone() -> None:
    with pytest.raises(QueueFull):
        WaitQueue(0).enqueue()


async def test_timeout_removes_the_waiter_and_raises() -> None:
    q = WaitQueue(3)
    first, second = q.enqueue(), q.enqueue()
    with pytest.raises(QueueTimeout):
        await q.wait(first, 0)
    assert len(q) == 1
    assert q.position(first) == 0
    assert q.position(second) == 1
    assert q.wake_next("slot")
    assert await q.wait(second, 1) == "slot"


async def test_cancellation_removes_the_waiter() -> None:
    q = WaitQueue(3)
    first, second = q.enqueue(), q.enqueue()
    task = asyncio.create_task(q.wait(first, None))
    await settle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(q) == 1 and q.position(second) == 1
    # The cancelled waiter is skipped: the next wake goes to the second one.
    assert q.wake_next("slot")
    assert await q.wait(second, 1) == "slot"


async def test_cancel_after_wake_hands_the_value_back() -> None:
    orphans: list[Any] = []
    q = WaitQueue(3, on_orphan=orphans.append)
    waiter = q.enqueue()
    task = asyncio.create_task(q.wait(waiter, None))
    await settle()
    q.wake_next("slot-1")
    task.cancel()  # the client left in the same loop turn as the wake-up
    with pytest.raises(asyncio.CancelledError):
        await task
    assert orphans == ["slot-1"]


async def test_orphaned_slot_goes_to_the_next_waiter() -> None:
    released: list[Any] = []
    q: WaitQueue

    def on_orphan(value: Any) -> None:
        # What the pool does: give the reserved slot to the next waiter, else free it.
        if not q.wake_next(value):
            released.append(value)

    q = WaitQueue(3, on_orphan=on_orphan)
    leaving, staying = q.enqueue(), q.enqueue()
    t1 = asyncio.create_task(q.wait(leaving, None))
    t2 = asyncio.create_task(q.wait(staying, None))
    await settle()
    q.wake_next("slot")
    t1.cancel()
    with pytest.raises(asyncio.CancelledError):
        await t1
    assert await t2 == "slot"
    assert released == []


async def test_timeout_racing_a_wake_hands_the_value_back() -> None:
    orphans: list[Any] = []
    q = WaitQueue(3, on_orphan=orphans.append)
    waiter = q.enqueue()
    # A zero deadline fires on the next loop turn, right after the wake-up below.
    task = asyncio.create_task(q.wait(waiter, 0))
    await asyncio.sleep(0)
    q.wake_next("slot")
    with pytest.raises(QueueTimeout):
        await task
    assert orphans == ["slot"]
    assert len(q) == 0


async def test_remove_after_delivery_does_not_hand_back_twice() -> None:
    orphans: list[Any] = []
    q = WaitQueue(3, on_orphan=orphans.append)
    waiter = q.enqueue()
    q.wake_next("slot")
    assert await q.wait(waiter, 1) == "slot"
    q.remove(waiter)
    assert orphans == []


async def test_remove_of_a_woken_but_unclaimed_waiter_hands_back_once() -> None:
    orphans: list[Any] = []
    q = WaitQueue(3, on_orphan=orphans.append)
    waiter = q.enqueue()
    q.wake_next("slot")
    q.remove(waiter)
    q.remove(waiter)
    assert orphans == ["slot"]


async def test_len_counts_only_pending_waiters() -> None:
    q = WaitQueue(5)
    a, b, c = q.enqueue(), q.enqueue(), q.enqueue()
    q.remove(b)
    assert len(q) == 2
    assert (q.position(a), q.position(c)) == (1, 2)
    q.wake_next(1)
    assert len(q) == 1 and q.position(c) == 1


@pytest.mark.parametrize(
    ("position", "mean", "slots", "expected"),
    [
        (1, 2.0, 4, 1.0),  # never below one second
        (10, 2.0, 4, 5.0),
        (3, None, 1, 15.0),  # unknown mean: 5 s
        (4, 3.0, 0, 12.0),  # zero slots counts as one
        (0, 10.0, 2, 1.0),
    ],
)
def test_retry_after_s(position: int, mean: float | None, slots: int, expected: float) -> None:
    assert retry_after_s(position, mean, slots) == pytest.approx(expected)


async def test_a_requeued_waiter_goes_to_the_head_even_when_the_queue_is_full() -> None:
    q = WaitQueue(1)
    behind = q.enqueue()
    head = q.enqueue(front=True)
    assert q.position(head) == 1 and q.position(behind) == 2
    with pytest.raises(QueueFull):
        q.enqueue()

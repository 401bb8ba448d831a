"""The dispatcher leases only what pacing allows, and says when the next slot comes."""

from __future__ import annotations

import asyncio
import time

import pytest

from modules.errors import NoPacedSlot, QueueFullError
from modules.identity.pace import Refusal
from tests.support.fakes import FakeLauncher, ready_pool

PACING = {"min_interval_s": 10, "burst": 100, "burst_window_s": 100}


async def test_only_identities_whose_pace_allows_are_leased() -> None:
    pool = await ready_pool(FakeLauncher(), 2, pacing=PACING)
    first = await pool.dispatcher.acquire()
    first.instance.pace.sent()
    pool.dispatcher.release(first)
    second = await pool.dispatcher.acquire()
    assert second.instance is not first.instance  # the first one's slot is 10 s away
    second.instance.pace.sent()
    pool.dispatcher.release(second)
    assert 9 < (pool.dispatcher.paced_wait_s(1) or 0) <= 10
    with pytest.raises(NoPacedSlot):
        await pool.dispatcher.acquire(timeout_s=5)
    await pool.close()


async def test_the_nth_waiter_is_told_the_nth_slot() -> None:
    pool = await ready_pool(FakeLauncher(), 2, pacing=PACING, queue={"timeout_s": 15})
    a, b = pool.instances.values()
    now = time.time()
    a.pace.pace.on_send(now)
    b.pace.pace.on_send(now - 4)
    assert round(pool.dispatcher.paced_wait_s(1) or 0) == 6
    assert round(pool.dispatcher.paced_wait_s(2) or 0) == 10
    assert round(pool.dispatcher.paced_wait_s(3) or 0) == 16
    waiters = [asyncio.create_task(pool.dispatcher.acquire()) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(NoPacedSlot) as err:  # third in line: 16 s > 15 s
        await pool.dispatcher.acquire()
    assert 15 < err.value.retry_after_s <= 16
    for task in waiters:
        task.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    await pool.close()


async def test_pacing_wins_the_retry_after_of_a_full_queue() -> None:
    pool = await ready_pool(FakeLauncher(), 1, pacing=PACING, queue={"max_size": 0})
    (inst,) = pool.instances.values()
    inst.pace.refused(Refusal.RATE_LIMITED, retry_after_s=40)  # held 40 s, not penalised
    with pytest.raises(QueueFullError) as err:
        await pool.dispatcher.acquire()
    assert 39 < err.value.retry_after_s <= 40
    await pool.close()


async def test_a_starting_identity_may_take_the_request_so_it_waits() -> None:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, 1, pacing=PACING)
    (inst,) = pool.instances.values()
    inst.pace.sent()
    launcher.gate = asyncio.Event()
    pool.add()  # starting: its identity is not known yet
    waiter = asyncio.create_task(pool.dispatcher.acquire(timeout_s=5))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    launcher.gate.set()
    lease = await asyncio.wait_for(waiter, 2)
    assert lease.instance.id == "i-2"
    await pool.close()


async def test_continuity_never_overrides_pacing() -> None:
    pacing = {"min_interval_s": 0.2, "burst": 100, "burst_window_s": 100}
    pool = await ready_pool(FakeLauncher(), 2, pacing=pacing)
    own = pool.instances["i-1"]
    own.pace.sent()
    # Its slot is 0.2 s away: past a 0.05 s wait the conversation starts a new chat elsewhere.
    assert await pool.dispatcher.acquire_on("i-1", 0.05) is None
    # Within the wait it gets its own identity, when the pace allows (woken by the timer).
    lease = await asyncio.wait_for(pool.dispatcher.acquire_on("i-1", 1.0), 2)
    assert lease is not None and lease.instance is own and own.pace.allows()
    pool.dispatcher.release(lease)
    await pool.close()

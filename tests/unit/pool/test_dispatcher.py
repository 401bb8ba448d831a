"""When no instance can serve (all parked or removed), requests get 503 at once."""

from __future__ import annotations

import asyncio

import pytest

from modules.errors import QueueFullError, Unavailable
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from tests.support.fakes import FakeLauncher, ready_pool
from tests.support.polling import wait_for


async def _ready_pool(n: int) -> Pool:
    return await ready_pool(FakeLauncher(), n)


async def test_no_servable_instance_fails_at_once() -> None:
    pool = await _ready_pool(1)
    (inst,) = pool.instances.values()
    pool.park(inst, "challenge")
    with pytest.raises(Unavailable) as err:
        await asyncio.wait_for(pool.dispatcher.acquire(), 1)
    assert err.value.code == "no_usable_instance"
    assert "attention" in err.value.message
    await pool.close()


async def test_waiters_are_released_when_the_last_instance_is_parked() -> None:
    pool = await _ready_pool(1)
    (inst,) = pool.instances.values()
    lease = await pool.dispatcher.acquire()
    waiter = asyncio.create_task(pool.dispatcher.acquire())
    await wait_for(lambda: len(pool.dispatcher.queue) == 1, 2, "a queued waiter")
    pool.park(inst, "challenge")
    with pytest.raises(Unavailable):
        await asyncio.wait_for(waiter, 1)
    pool.dispatcher.release(lease)
    assert inst.in_flight == 0 and inst.base_state is State.NEEDS_ATTENTION
    await pool.close()


async def test_cooling_down_instances_still_count_as_able_to_serve() -> None:
    pool = await _ready_pool(1)
    (inst,) = pool.instances.values()
    pool.cool_down(inst, 0.05, "429")
    lease = await asyncio.wait_for(pool.dispatcher.acquire(), 2)  # waits for the cool-down
    assert lease.instance is inst
    pool.dispatcher.release(lease)
    await pool.close()


async def test_waiters_are_served_oldest_first_and_newcomers_queue_behind_them() -> None:
    pool = await _ready_pool(1)
    lease = await pool.dispatcher.acquire()
    first = asyncio.create_task(pool.dispatcher.acquire())
    await wait_for(lambda: len(pool.dispatcher.queue) == 1, 2, "first waiter")
    second = asyncio.create_task(pool.dispatcher.acquire())
    await wait_for(lambda: len(pool.dispatcher.queue) == 2, 2, "second waiter")
    pool.dispatcher.release(lease, 0.5)
    got = await asyncio.wait_for(first, 1)
    assert not second.done() and got.queue_wait_s > 0
    pool.dispatcher.release(got)
    pool.dispatcher.release(await asyncio.wait_for(second, 1))
    assert pool.instances["i-1"].in_flight == 0
    await pool.close()


async def test_a_full_queue_answers_503_with_a_retry_after() -> None:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, 1, queue={"max_size": 0})
    lease = await pool.dispatcher.acquire()
    with pytest.raises(QueueFullError) as err:
        await pool.dispatcher.acquire()
    assert err.value.retry_after_s >= 1
    pool.dispatcher.release(lease)
    await pool.close()

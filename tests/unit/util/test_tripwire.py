"""A tripwire cuts guarded awaits short with the caller's error; outside cancels stay cancels."""

from __future__ import annotations

import asyncio

import pytest

from modules.util.tripwire import Tripwire


class Died(Exception):
    pass


async def test_a_guarded_call_returns_its_result_and_leaves_no_cancel_behind() -> None:
    wire = Tripwire()
    with wire.guard(Died):
        await asyncio.sleep(0)
        value = 7
    assert value == 7
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0


async def test_a_trip_ends_every_guarded_await_with_the_error_and_the_task_goes_on() -> None:
    wire = Tripwire()
    never = asyncio.get_running_loop().create_future()

    async def waiting() -> str:
        try:
            with wire.guard(Died):
                await never
        except Died:
            await asyncio.sleep(0)  # not cancelled any more: the task carries on
            task = asyncio.current_task()
            assert task is not None and task.cancelling() == 0
            return "died"
        return "finished"

    tasks = [asyncio.create_task(waiting()) for _ in range(3)]
    await asyncio.sleep(0)
    wire.trip()
    assert await asyncio.gather(*tasks) == ["died"] * 3


async def test_once_tripped_a_new_guard_fails_before_its_block_runs() -> None:
    wire = Tripwire()
    wire.trip()
    ran = False
    with pytest.raises(Died), wire.guard(Died):
        ran = True
    assert not ran


async def test_a_cancel_from_outside_stays_a_cancel_even_when_tripped_too() -> None:
    wire = Tripwire()
    never = asyncio.get_running_loop().create_future()

    async def waiting() -> None:
        with wire.guard(Died):
            await never

    alone = asyncio.create_task(waiting())
    both = asyncio.create_task(waiting())
    await asyncio.sleep(0)
    alone.cancel()
    both.cancel()
    wire.trip()
    for task in (alone, both):
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_a_block_that_swallows_the_trip_gives_the_cancel_back() -> None:
    wire = Tripwire()

    async def stubborn() -> int:
        with wire.guard(Died):
            try:
                await asyncio.get_running_loop().create_future()
            except asyncio.CancelledError:
                pass  # e.g. a library that turns a cancel into its own result
        task = asyncio.current_task()
        assert task is not None
        return task.cancelling()

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    wire.trip()
    assert await task == 0


async def test_a_timeout_inside_a_guard_is_still_a_timeout() -> None:
    wire = Tripwire()
    with pytest.raises(TimeoutError), wire.guard(Died):
        async with asyncio.timeout(0.01):
            await asyncio.get_running_loop().create_future()

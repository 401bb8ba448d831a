"""The operator's pause: nothing is leased while it lasts; waiters are told at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from modules.app.pause_control import MAX_PAUSE_S, PauseControl, pause_seconds
from modules.errors import BadRequest, Paused
from modules.identity import PaceStore, PauseSwitch
from modules.util.event_bus import EventBus
from tests.support.fakes import FakeLauncher, ready_pool


async def test_a_pause_refuses_new_leases_and_tells_waiters_then_resumes(tmp_path: Path) -> None:
    pool = await ready_pool(FakeLauncher(), 1, queue={"timeout_s": 30})
    bus = EventBus()
    with PaceStore(tmp_path) as store:
        control = PauseControl(PauseSwitch(store), pool.dispatcher, bus)
        busy = await pool.dispatcher.acquire()  # the only slot: the next one waits
        waiter = asyncio.create_task(pool.dispatcher.acquire())
        await asyncio.sleep(0)
        view = control.set({"seconds": 60})
        assert view["paused"] and 59 < view["remaining_s"] <= 60
        with pytest.raises(Paused) as told:
            await waiter  # told at once, not after the queue timeout
        assert 59 < (told.value.retry_after_s or 0) <= 60
        pool.dispatcher.release(busy)
        with pytest.raises(Paused):
            await pool.dispatcher.acquire()  # a free slot is not leased either
        with pytest.raises(Paused):
            control.check()
        assert control.set({"seconds": 0}) == {"paused": False, "remaining_s": 0.0, "until": None}
        control.check()
        lease = await pool.dispatcher.acquire()
        pool.dispatcher.release(lease)
    await pool.close()


async def test_an_affinity_waiter_gives_up_its_instance_when_the_pause_begins() -> None:
    pool = await ready_pool(FakeLauncher(), 1)
    control = PauseControl(PauseSwitch(None), pool.dispatcher, EventBus())
    (inst,) = pool.instances.values()
    busy = await pool.dispatcher.acquire()
    pinned = asyncio.create_task(pool.dispatcher.acquire_on(inst.id, 30))
    await asyncio.sleep(0)
    control.set({"seconds": 5})
    assert await asyncio.wait_for(pinned, 1) is None
    pool.dispatcher.release(busy)
    assert inst.in_flight == 0  # nothing was reserved for it
    await pool.close()


@pytest.mark.parametrize(
    "body", [None, [], {}, {"seconds": "60"}, {"seconds": True}, {"seconds": -1}, {"seconds": 1e12}]
)
def test_only_a_number_of_seconds_in_range_pauses(body: object) -> None:
    with pytest.raises(BadRequest) as err:
        pause_seconds(body)
    assert err.value.param == "seconds"


def test_the_longest_pause_is_accepted() -> None:
    assert pause_seconds({"seconds": MAX_PAUSE_S}) == MAX_PAUSE_S
    assert pause_seconds({"seconds": 0}) == 0

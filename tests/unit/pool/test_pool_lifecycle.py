"""Lifecycle edge cases: retiring an instance while it starts, a challenge at start-up."""

from __future__ import annotations

import asyncio

import pytest

from modules.errors import Unavailable
from modules.pool.instance_state import State
from tests.support.fakes import FakeLauncher, make_pool
from tests.support.polling import wait_for


async def test_an_instance_retired_while_starting_has_its_page_closed() -> None:
    launcher = FakeLauncher()
    launcher.gate = asyncio.Event()
    pool = make_pool(launcher, instances=1)
    pool.ensure_size()
    (inst,) = pool.instances.values()
    await wait_for(lambda: launcher.opened == [inst.id])
    pool.retire(inst, "removed by operator")  # the page does not exist yet
    assert inst.base_state is State.DRAINING
    launcher.gate.set()  # now the page opens
    await wait_for(lambda: inst.base_state is State.CLOSED)
    assert launcher.closed == [inst.id] and inst.page is None
    await pool.close()


async def test_a_challenge_at_start_parks_and_releases_waiters() -> None:
    launcher = FakeLauncher()
    launcher.gate = asyncio.Event()
    launcher.challenge = True
    pool = make_pool(launcher, instances=1)
    pool.ensure_size()
    waiter = asyncio.create_task(pool.dispatcher.acquire())  # queued: the instance starts
    await wait_for(lambda: len(pool.dispatcher.queue) == 1)
    launcher.gate.set()
    with pytest.raises(Unavailable) as err:
        await asyncio.wait_for(waiter, 1)
    assert err.value.code == "no_usable_instance"
    (inst,) = pool.instances.values()
    assert inst.base_state is State.NEEDS_ATTENTION and inst.page is not None  # kept for a person
    await pool.close()

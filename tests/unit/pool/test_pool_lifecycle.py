"""Lifecycle edge cases: retiring an instance while it starts, a challenge at start-up."""

from __future__ import annotations

import asyncio

import pytest

from modules.errors import NeedsAttention, Unavailable
from modules.pool.instance import Instance, State
from tests.unit.test_pool_recovery import FakeLauncher, _pool


class ClosingLauncher(FakeLauncher):
    """Also records which instances had their page closed."""

    def __init__(self) -> None:
        super().__init__()
        self.closed: list[str] = []
        self.challenge = False

    async def open(self, inst: Instance) -> None:
        await super().open(inst)
        if self.challenge:
            raise NeedsAttention("challenge page", instance_id=inst.id)

    async def close(self, inst: Instance) -> None:
        if inst.page is not None:
            self.closed.append(inst.id)
        await super().close(inst)


async def _until(predicate, timeout_s: float = 2.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_an_instance_retired_while_starting_has_its_page_closed() -> None:
    launcher = ClosingLauncher()
    launcher.gate = asyncio.Event()
    pool = _pool(launcher, instances=1)
    pool.ensure_size()
    (inst,) = pool.instances.values()
    await _until(lambda: launcher.opened == [inst.id])
    pool.retire(inst, "removed by operator")  # the page does not exist yet
    assert inst.base_state is State.DRAINING
    launcher.gate.set()  # now the page opens
    await _until(lambda: inst.base_state is State.CLOSED)
    assert launcher.closed == [inst.id] and inst.page is None
    await pool.close()


async def test_a_challenge_at_start_parks_and_releases_waiters() -> None:
    launcher = ClosingLauncher()
    launcher.gate = asyncio.Event()
    launcher.challenge = True
    pool = _pool(launcher, instances=1)
    pool.ensure_size()
    waiter = asyncio.create_task(pool.dispatcher.acquire())  # queued: the instance starts
    await _until(lambda: len(pool.dispatcher.queue) == 1)
    launcher.gate.set()
    with pytest.raises(Unavailable) as err:
        await asyncio.wait_for(waiter, 1)
    assert err.value.code == "no_usable_instance"
    (inst,) = pool.instances.values()
    assert inst.base_state is State.NEEDS_ATTENTION and inst.page is not None  # kept for a person
    await pool.close()

"""Pool recovery with a fake launcher: no duplicate starts, spares promoted, backoff by rounds."""

from __future__ import annotations

import asyncio

from modules.pool.instance_state import State
from tests.support.fakes import FakeLauncher, make_pool
from tests.support.polling import wait_for


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_several_deaths_at_once_start_one_replacement_each() -> None:
    launcher = FakeLauncher()
    pool = make_pool(launcher, instances=3)
    pool.ensure_size()
    await _settle()
    first = list(pool.instances.values())
    assert all(i.base_state is State.READY for i in first)
    for inst in first:  # one browser died: every page is dead at the same moment
        inst.page.alive = False  # type: ignore[union-attr,misc]
    for inst in first:
        pool.mark_failed(inst, "browser disconnected")
        pool.mark_failed(inst, "probe: page is gone")  # a second report changes nothing
    await _settle()
    assert len(launcher.opened) == 6  # 3 originals + exactly 3 replacements
    assert len(pool.serving()) == 3 and pool.usable_count() == 3
    await pool.close()


async def test_a_warm_spare_is_promoted_before_any_cold_start() -> None:
    launcher = FakeLauncher()
    pool = make_pool(launcher, instances=1, spares=1)
    pool.ensure_size()
    await _settle()
    (serving,) = [i for i in pool.instances.values() if not i.spare]
    (spare,) = [i for i in pool.instances.values() if i.spare]
    starts = len(launcher.opened)
    serving.page.alive = False  # type: ignore[union-attr]
    pool.mark_failed(serving, "page crashed")
    assert not spare.spare and spare in pool.serving()  # promoted at once
    await _settle()
    new = [i for i in pool.instances.values() if i.spare]
    assert len(new) == 1 and len(launcher.opened) == starts + 1  # only a new spare started
    await pool.close()


async def test_failures_that_began_together_count_as_one_backoff_round() -> None:
    launcher = FakeLauncher()
    launcher.gate = asyncio.Event()
    pool = make_pool(launcher, instances=4)
    pool.ensure_size()
    await _settle()
    launcher.fail = True
    launcher.gate.set()  # all four starts fail together (their browser died)
    await _settle()
    assert pool._failures_in_row == 1  # one round: the next starts wait 0.5 s, not 10 s
    launcher.fail = False
    # the retry round starts after its 0.5 s backoff
    await wait_for(lambda: pool.usable_count() == 4, 5, "the retry round")
    assert pool.usable_count() == 4 and pool._failures_in_row == 0
    await pool.close()

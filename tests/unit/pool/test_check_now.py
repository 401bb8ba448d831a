"""Check now: one probe at once, acted on like a periodic one, its verdict kept and shown."""

from __future__ import annotations

import asyncio

import pytest

from modules.errors import Conflict
from modules.pool.health_monitor import HealthMonitor
from modules.pool.instance import Instance
from modules.pool.pool import Pool
from tests.support.fakes import FakeLauncher, FakePage, make_pool, ready_pool


async def _ready() -> tuple[Pool, HealthMonitor, Instance]:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, 1)
    inst = next(iter(pool.instances.values()))
    return pool, HealthMonitor(pool.config, pool, launcher), inst  # type: ignore[arg-type]


async def test_a_healthy_instance_reports_ok() -> None:
    pool, monitor, inst = await _ready()
    result = await monitor.check_now(inst)
    assert result["check"]["ok"] is True and "no challenge" in result["check"]["verdict"]
    assert result["instance"]["last_check"] == result["check"]
    await pool.close()


async def test_a_challenge_found_by_check_parks_the_instance() -> None:
    pool, monitor, inst = await _ready()
    page = inst.page
    assert isinstance(page, FakePage)
    page.probe_result = {"status": 403, "challenge": True, "error": None}
    result = await monitor.check_now(inst)
    assert result["check"]["ok"] is False
    assert result["check"]["verdict"] == "the site shows a challenge"
    assert result["instance"]["state"] == "needs_attention"
    await pool.close()


async def test_a_starting_instance_cannot_be_checked() -> None:
    launcher = FakeLauncher()
    launcher.gate = asyncio.Event()  # the page never finishes loading
    pool = make_pool(launcher, instances=1)
    pool.ensure_size()
    await asyncio.sleep(0)
    inst = next(iter(pool.instances.values()))
    with pytest.raises(Conflict, match="starting"):
        await HealthMonitor(pool.config, pool, launcher).check_now(inst)  # type: ignore[arg-type]
    await pool.close()

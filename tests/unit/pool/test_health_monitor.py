"""The health monitor over a real pool with fake pages: park, heal, replace, renew."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from modules.pool.health_monitor import HealthMonitor
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from tests.support.fakes import FakeLauncher, FakePage, by_state, ready_pool
from tests.support.polling import wait_for


async def _setup(n: int = 1, **sections: Any) -> tuple[FakeLauncher, Pool, HealthMonitor]:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, n, health={"failure_threshold": 2}, **sections)
    return launcher, pool, HealthMonitor(pool.config, pool, launcher)  # type: ignore[arg-type]


def _page(pool: Pool, inst_id: str = "i-1") -> FakePage:
    page = pool.instances[inst_id].page
    assert isinstance(page, FakePage)
    return page


async def test_a_challenge_parks_and_a_clear_probe_brings_it_back() -> None:
    launcher, pool, monitor = await _setup()
    errors: list[str] = []
    pool.on_upstream_error = errors.append
    _page(pool).probe_result["challenge"] = True
    await monitor.step()
    inst = pool.instances["i-1"]
    assert inst.base_state is State.NEEDS_ATTENTION and errors == ["challenge"]
    await monitor.step()  # still challenged: parked once, counted once
    assert errors == ["challenge"]
    _page(pool).probe_result["challenge"] = False
    await monitor.step()
    assert inst.base_state is State.READY and inst.health.consecutive_failures == 0
    await pool.close()


async def test_a_cleared_challenge_stays_parked_while_the_reload_fails() -> None:
    launcher, pool, monitor = await _setup()
    _page(pool).probe_result["challenge"] = True
    await monitor.step()
    _page(pool).probe_result["challenge"] = False
    launcher.reload_ok = False
    await monitor.step()
    assert pool.instances["i-1"].base_state is State.NEEDS_ATTENTION
    await pool.close()


async def test_repeated_probe_failures_replace_the_instance() -> None:
    launcher, pool, monitor = await _setup()
    _page(pool).probe_error = TimeoutError("probe timed out")
    await monitor.step()
    assert pool.instances["i-1"].base_state is State.READY  # one failure is not enough
    await monitor.step()
    await wait_for(lambda: launcher.opened == ["i-1", "i-2"], 1, "a replacement")
    assert "i-1" not in pool.instances or pool.instances["i-1"].base_state is not State.READY
    assert pool.restarts == 1
    await pool.close()


async def test_a_missing_session_cookie_counts_as_a_failure() -> None:
    launcher, pool, monitor = await _setup()
    _page(pool).jar.clear()
    await monitor.step()
    inst = pool.instances["i-1"]
    assert inst.health.consecutive_failures == 1
    assert inst.last_error == "probe: session cookie missing"
    await pool.close()


async def test_busy_instances_are_not_probed() -> None:
    launcher, pool, monitor = await _setup()
    pool.instances["i-1"].reserve(0.0)
    await monitor.step()
    assert _page(pool).probes == 0
    await pool.close()


async def test_old_used_or_heavy_sessions_are_recycled() -> None:
    launcher, pool, monitor = await _setup(
        3, pool={"max_requests_per_session": 5, "max_instance_memory_mb": 100, "max_instances": 9}
    )
    pool.instances["i-1"].session_requests = 5
    _page(pool, "i-2").memory_mb = 150.0
    await monitor.step()
    await wait_for(lambda: len(launcher.opened) == 5, 1, "two successors")
    await wait_for(lambda: len(by_state(pool, State.READY)) == 3, 1, "the pool back at size")
    assert sorted(i.id for i in by_state(pool, State.READY)) == ["i-3", "i-4", "i-5"]
    assert pool.restarts == 0  # a renewal, not a failure
    await pool.close()


async def test_a_lost_browser_fails_its_instances_at_once() -> None:
    launcher, pool, monitor = await _setup(2)
    host = SimpleNamespace(label="local")
    _page(pool, "i-1").host = host
    _page(pool, "i-1").alive = False
    monitor.on_host_lost(host)  # type: ignore[arg-type]
    await wait_for(lambda: len(launcher.opened) == 3, 1, "a replacement")
    assert pool.instances["i-2"].base_state is State.READY
    await pool.close()

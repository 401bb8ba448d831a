"""The management API refuses what would hurt the bridge: unbounded or non-finite settings,
half-applied saves, malformed query parameters, pools past their limits, feeds past a cap."""

from __future__ import annotations

import os

import httpx
import json5

from tests.e2e.harness import running_bridge, wait_for


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    return response.json()["error"]


async def test_settings_are_bounded_finite_and_saved_all_or_nothing(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0) as bridge:
        before = (await bridge.http.get("/api/settings")).json()
        for body in (
            '{"min_instances": 1e9, "max_instances": 1e9}',
            '{"min_instances": 1000000000, "max_instances": 1000000000}',
            '{"max_concurrent_per_instance": 100000}',
            '{"cooldown_s": Infinity}',
            '{"cooldown_s": NaN}',
            '{"cooldown_s": 1e308}',
            '{"max_instances": "7"}',
        ):
            _error(await bridge.http.put("/api/settings", content=body), 400)
        assert (await bridge.http.get("/api/settings")).json() == before

        # A config file that cannot take the change: nothing is applied either.
        path = bridge.config_path
        good = path.read_text()
        path.write_text('{"autoscale": 5}')
        failed = await bridge.http.put("/api/settings", json={"cooldown_s": 12})
        assert failed.status_code >= 500 and "Could not save" in failed.json()["error"]["message"]
        assert (await bridge.http.get("/api/settings")).json()["cooldown_s"] == before["cooldown_s"]
        path.write_text(good)

        # A symlinked config stays a symlink (its target gets the change, mode kept).
        real = tmp_path / "real.jsonc"
        os.replace(path, real)
        os.chmod(real, 0o600)
        path.symlink_to(real)
        saved = await bridge.http.put("/api/settings", json={"cooldown_s": 12})
        assert saved.status_code == 200, saved.text
        assert path.is_symlink() and os.stat(real).st_mode & 0o777 == 0o600
        assert json5.loads(real.read_text())["autoscale"]["cooldown_s"] == 12


async def test_query_parameters_are_bounded(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0) as bridge:
        for path in (
            "/api/stats?window=" + "9" * 400 + "d",
            "/api/stats?window=367d",
            "/api/stats?window=-1h",
            "/api/history?status=99999999999999999999999",
            "/api/history?status=42",
            "/api/history?since=inf",
            "/api/history?since=1e400",
            "/api/history?limit=-1",
            "/api/history?limit=" + "9" * 40,
            "/api/history?model=" + "m" * 300,
            # The console's routes (issue 14) share those bounds.
            "/api/logs?limit=5001",
            "/api/logs?level=LOUD",
            "/api/logs?since=nan",
            "/api/logs?after=-1",
            "/api/logs?text=" + "t" * 300,
            "/api/logs/export?component=" + "c" * 300,
            "/api/history/export?format=xml",
            "/api/history/export?until=inf",
            "/api/history/export?status=42",
            "/api/stats/export?table=everything",
            "/api/stats/export?window=" + "0" * 30 + "1h" + "x" * 10,
        ):
            _error(await bridge.http.get(path), 400)
        assert (await bridge.http.get("/api/history?status=200&limit=5")).status_code == 200
        assert (await bridge.http.get("/api/stats?window=7d")).status_code == 200
        for path in (
            "/api/logs?level=WARNING&limit=5000",
            "/api/stats/export?window=7d&table=model",
        ):
            assert (await bridge.http.get(path)).status_code == 200


async def test_live_feeds_are_capped(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0, server={"max_event_subscribers": 2}) as bridge:
        async with (
            bridge.http.stream("GET", "/api/events") as one,
            bridge.http.stream("GET", "/api/events") as two,
        ):
            assert one.status_code == two.status_code == 200
            await wait_for(lambda: bridge.coordinator.bus.subscriber_count == 2, 5)
            third = await bridge.http.get("/api/events")
            assert _error(third, 503)["code"] == "too_many_feeds"
            assert third.headers["retry-after"]
        await wait_for(lambda: bridge.coordinator.bus.subscriber_count == 0, 5, "feeds to close")
        async with bridge.http.stream("GET", "/api/events") as again:
            assert again.status_code == 200


async def test_the_pool_keeps_to_its_limits(tmp_path) -> None:
    pool = {"min_instances": 1, "max_instances": 1}
    async with running_bridge(tmp_path, instances=1, pool=pool) as bridge:
        refused = await bridge.http.post("/api/instances")
        assert _error(refused, 409)["code"] == "pool_limit"
        assert "max_instances" in refused.json()["error"]["message"]
        assert len(await bridge.instances()) == 1

        # Removing the only instance at the floor renews it instead of going below.
        [first] = await bridge.instances()
        r = await bridge.http.delete(f"/api/instances/{first['id']}")
        assert r.status_code == 202
        assert (await bridge.status())["pool"]["target"] == 1
        await wait_for(
            lambda: (
                bridge.coordinator.pool.usable_count() == 1
                and first["id"] not in bridge.coordinator.pool.instances
            ),
            30,
            "a replacement",
        )

        # Raising the floor past the memory budget is refused with the reason.
        settings = await bridge.http.put(
            "/api/settings", json={"max_instances": 500, "min_instances": 500}
        )
        assert _error(settings, 409)["param"] == "min_instances"
        assert "memory budget" in settings.json()["error"]["message"]
        assert (await bridge.status())["pool"]["target"] == 1

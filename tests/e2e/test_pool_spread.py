"""Issue: several instances share the work; strategies pick as documented, switchable live."""

from __future__ import annotations

import asyncio

from modules.local_arena import expected_reply
from modules.pool.strategies import STRATEGIES
from tests.e2e.harness import running_bridge, wait_for
from tests.e2e.pool_helpers import ROUTING_HEADERS, arena_control, chat, in_flight, user_ids

LONG = " ".join(f"w{n}" for n in range(20))  # ~23 tokens upstream


async def test_nine_concurrent_requests_spread_over_three_instances(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=3, arena_knobs={"tokens_per_s": 40}) as bridge:
        model = await bridge.model()
        texts = [f"request number {n} " + "pad " * 10 for n in range(9)]
        results = await asyncio.gather(*(chat(bridge, model, t) for t in texts))
        assert [text for _, text in results] == [expected_reply(model, t) for t in texts]
        served = [headers["x-bridge-instance"] for headers, _ in results]
        assert set(served) == {"i-1", "i-2", "i-3"}, served
        for headers, _ in results:
            assert all(headers.get(h) for h in ROUTING_HEADERS), headers
            assert headers["x-bridge-attempts"] == "1"
            assert "x-bridge-failover" not in headers
        # One slot per instance: three run at once, the other six waited in the queue.
        waited = [int(h["x-bridge-queue-ms"]) for h, _ in results]
        assert sum(1 for ms in waited if ms > 50) == 6, waited
        # The arena agrees: every session got work, and nothing was sent twice.
        counts = (await arena_control(bridge))["request_counts"]
        users = await user_ids(bridge)
        assert sum(counts.values()) == 9
        assert all(counts[users[i]] >= 1 for i in ("i-1", "i-2", "i-3")), counts
        assert [counts[users[i]] for i in ("i-1", "i-2", "i-3")] == [
            served.count(i) for i in ("i-1", "i-2", "i-3")
        ]
        status = await bridge.status()
        assert status["pool"]["in_flight"] == 0 and status["queue"]["depth"] == 0


async def test_least_busy_never_doubles_up_while_an_instance_is_free(tmp_path) -> None:
    async with running_bridge(
        tmp_path,
        instances=3,
        pool={"max_concurrent_per_instance": 2},
        arena_knobs={"tokens_per_s": 12},
    ) as bridge:
        model = await bridge.model()
        tasks = []
        for k in range(1, 7):
            tasks.append(asyncio.create_task(chat(bridge, model, f"{LONG} {k}")))

            async def running(k: int = k) -> dict[str, int] | None:
                loads = await in_flight(bridge)
                return loads if sum(loads.values()) == k else None

            loads = await wait_for(running, 10, f"{k} requests in flight")
            # Each new request went to a least loaded instance: loads never differ by 2.
            assert max(loads.values()) - min(loads.values()) <= 1, (k, loads)
            assert max(loads.values()) == (k + 2) // 3, (k, loads)
        results = await asyncio.gather(*tasks)
        assert [text for _, text in results] == [
            expected_reply(model, f"{LONG} {k}") for k in range(1, 7)
        ]
        served = [headers["x-bridge-instance"] for headers, _ in results]
        assert sorted(served) == ["i-1", "i-1", "i-2", "i-2", "i-3", "i-3"]
        assert all(headers["x-bridge-queue-ms"] == "0" for headers, _ in results)


async def test_round_robin_cycles_and_strategies_switch_at_run_time(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=3) as bridge:
        model = await bridge.model()
        headers, _ = await chat(bridge, model, "before the switch")
        assert headers["x-bridge-strategy"] == "least_busy"

        r = await bridge.http.put("/api/settings", json={"strategy": "round_robin"})
        assert r.status_code == 200 and r.json()["strategy"] == "round_robin"
        assert (await bridge.status())["strategy"] == "round_robin"
        served = []
        for n in range(7):
            headers, text = await chat(bridge, model, f"turn {n}")
            assert text == expected_reply(model, f"turn {n}")
            assert headers["x-bridge-strategy"] == "round_robin"
            served.append(headers["x-bridge-instance"])
        assert served == ["i-1", "i-2", "i-3", "i-1", "i-2", "i-3", "i-1"]

        for name in STRATEGIES:
            r = await bridge.http.put("/api/settings", json={"strategy": name})
            assert r.status_code == 200 and r.json()["strategy"] == name
            headers, text = await chat(bridge, model, f"with {name}")
            assert headers["x-bridge-strategy"] == name
            assert text == expected_reply(model, f"with {name}")
            assert (await bridge.status())["strategy"] == name
        # The last choice was written back to config.jsonc, comments kept.
        saved = bridge.config_path.read_text(encoding="utf-8")
        assert f'"strategy": "{list(STRATEGIES)[-1]}"' in saved
        assert "// test configuration" in saved

"""Issue 11, items 1-2 against the local arena's per-identity risk model: pacing keeps a
burst under the site's flag; a flagged identity gets zero attempts until its penalty ends,
and the penalty doubles; a request past the earliest slot is told that slot at once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.e2e.harness import Bridge, running_bridge, wait_for

# The site: more than 2 sends within 4 s flags the identity for 30 s ("prompt failed").
RISK = {"max_sends": 2, "window_s": 4, "flag_s": 30, "refusal": "prompt_failed"}
# A pace that stays under it: 1 s apart, at most 2 per 4.5 s.
PACED = {"enabled": True, "min_interval_s": 1, "burst": 2, "burst_window_s": 4.5}


async def _arena(bridge: Bridge) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as http:
        return (await http.get("/_control")).json()


async def _attempts(bridge: Bridge, user_id: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as http:
        r = await http.get("/_control/attempts", params={"user_id": user_id})
        return r.json()["attempts"]


def _refusals(control: dict[str, Any]) -> int:
    return sum(sum(s["refusals"].values()) for s in control["sessions"])


async def _burst(bridge: Bridge, n: int) -> list[Any]:
    model = await bridge.model()
    calls = [
        bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": f"burst {k}"}]
        )
        for k in range(n)
    ]
    return await asyncio.gather(*calls, return_exceptions=True)


@pytest.mark.parametrize("paced", [True, False])
async def test_a_burst_draws_no_flag_with_pacing_and_one_without(
    tmp_path: Path, paced: bool
) -> None:
    pacing = PACED if paced else {"enabled": False}
    async with running_bridge(
        tmp_path,
        instances=1,
        arena_knobs={"risk": RISK},
        pacing={**pacing, "penalty_s": 30, "penalty_max_s": 60},
        queue={"timeout_s": 20 if paced else 3},
    ) as bridge:
        results = await _burst(bridge, 4)
        control = await _arena(bridge)
        if paced:
            assert all(not isinstance(r, BaseException) for r in results), results
            assert _refusals(control) == 0
        else:
            assert _refusals(control) >= 1
            (inst,) = await bridge.instances()
            assert inst["pacing"]["penalty_s"] > 20  # flagged: the bridge holds it back


async def test_a_flagged_identity_is_left_alone_until_its_penalty_ends_then_doubles(
    tmp_path: Path,
) -> None:
    always_flagged = {"max_sends": 0, "window_s": 1, "flag_s": 0.2, "refusal": "prompt_failed"}
    async with running_bridge(
        tmp_path,
        instances=1,
        arena_knobs={"risk": always_flagged},
        pacing={"enabled": True, "min_interval_s": 0, "penalty_s": 2, "penalty_max_s": 20},
        queue={"timeout_s": 3},
    ) as bridge:
        (inst,) = await bridge.instances()
        user = inst["identity"]["user_id"]
        first = asyncio.create_task(_burst(bridge, 1))
        while not await _attempts(bridge, user):
            await asyncio.sleep(0.05)
        # Clients keep asking while the identity is penalised: none of it reaches the site.

        async def penalised() -> bool:
            (listed,) = await bridge.instances()
            return bool(listed["pacing"]["penalty_s"] > 0)

        await wait_for(penalised, 5, "the refusal's penalty")
        more = await _burst(bridge, 2)
        assert all(isinstance(r, openai.APIStatusError) for r in more), more
        await first
        attempts = await _attempts(bridge, user)
        assert [a["outcome"] for a in attempts] == ["flagged", "flagged"], attempts
        t1, t2 = attempts[0]["time"], attempts[1]["time"]
        assert 2 - 0.05 <= t2 - t1 < 2 + 1.0  # nothing during the 2 s penalty, then one try
        (inst,) = await bridge.instances()
        assert inst["pacing"]["streak"] == 2
        doubled = inst["pacing"]["penalty_s"] + (time.time() - t2)
        assert 4 - 0.5 <= doubled <= 4 + 0.5  # the second penalty is twice the first


async def test_the_503_retry_after_is_the_computed_earliest_slot(tmp_path: Path) -> None:
    async with running_bridge(
        tmp_path,
        instances=1,
        pacing={"enabled": True, "min_interval_s": 20, "burst": 10, "burst_window_s": 100},
        queue={"timeout_s": 2},
    ) as bridge:
        model = await bridge.model()
        body = {"model": model, "messages": [{"role": "user", "content": "first"}]}
        assert (await bridge.http.post("/v1/chat/completions", json=body)).status_code == 200
        started = time.monotonic()
        r = await bridge.http.post("/v1/chat/completions", json=body)
        told_in = time.monotonic() - started
        (inst,) = await bridge.instances()
        assert r.status_code == 503 and r.json()["error"]["code"] == "no_paced_slot"
        assert told_in < 1.5  # at once, not after waiting out the queue timeout
        slot = inst["pacing"]["next_slot_s"]
        assert abs(int(r.headers["Retry-After"]) - slot) <= 1, (r.headers["Retry-After"], slot)

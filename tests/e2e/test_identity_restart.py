"""Issue 11, item 4: a restart brings back the same identities (saved browser storage) with
their pacing state; no new sign-ups happen, and the saved logins are private files."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from modules.local_arena import LocalArena
from modules.upstream.protocol import ERROR_PROMPT_FAILED
from tests.e2e.harness import running_bridge, wait_for

PACING = {"enabled": True, "min_interval_s": 0, "burst": 100, "burst_window_s": 60}
PENALTY = {"penalty_s": 120, "penalty_max_s": 600}


async def _arena(arena: LocalArena) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=arena.url) as http:
        return (await http.get("/_control")).json()


def _by_user(instances: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["identity"]["user_id"]: i for i in instances}


@pytest.mark.parametrize("legacy", [True, False], ids=["2025-fetch", "2026-compose"])
async def test_a_restart_brings_back_the_same_identities_with_their_penalty(
    tmp_path: Path, legacy: bool
) -> None:
    async with LocalArena(legacy_protocol=legacy) as arena:
        async with running_bridge(
            tmp_path, site=arena, instances=2, pacing={**PACING, **PENALTY}
        ) as bridge:
            first = _by_user(await bridge.instances())
            flagged = sorted(first)[0]
            refusal = {"error": ERROR_PROMPT_FAILED}  # the site flags the identity
            await bridge.knobs(fail_next={"status": 429, "body": refusal, "sessions": [flagged]})
            model = await bridge.model()
            for n in range(2):  # one of them meets the refusal, waits and is served elsewhere
                await bridge.client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"hi {n}"}]
                )
            penalised = _by_user(await bridge.instances())[flagged]
            assert penalised["pacing"]["penalty_s"] > 100 and penalised["pacing"]["streak"] == 1
        signed_up = (await _arena(arena))["session_count"]
        profiles = tmp_path / "data" / "profiles"
        for path in profiles.rglob("*"):
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o700 if path.is_dir() else 0o600), path

        async with running_bridge(
            tmp_path, site=arena, instances=2, wait_ready=1, pacing={**PACING, **PENALTY}
        ) as bridge:
            await wait_for(
                lambda: bridge.coordinator.pool.counts()["cooling_down"] == 1, 10, "restored"
            )
            again = _by_user(await bridge.instances())
            assert set(again) == set(first)  # the same user ids
            assert (await _arena(arena))["session_count"] == signed_up  # no new sign-ups
            back = again[flagged]
            assert back["state"] == "cooling_down" and back["pacing"]["streak"] == 1
            assert 60 < back["pacing"]["penalty_s"] <= penalised["pacing"]["penalty_s"]
            # The one that is not penalised serves; the penalised one is never sent to.
            since = arena_time = (await _arena(arena))["time"]
            await bridge.client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "after the restart"}]
            )
            async with httpx.AsyncClient(base_url=arena.url) as http:
                tried = await http.get(
                    "/_control/attempts", params={"user_id": flagged, "since": since}
                )
            assert tried.json()["count"] == 0, arena_time

"""Two knobs for the console's tests: which proxy each session came through, and a slowed
model (extra time to first token for the models named)."""

from __future__ import annotations

import json
import time

import httpx

from modules.local_arena import LocalArena
from modules.local_arena.via import PROXY_HEADER
from modules.upstream import protocol

from .local_arena_support import FAST, ArenaClient, signed_up


async def _sessions(arena: LocalArena) -> dict[str, dict[str, object]]:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        return {s["user_id"]: s for s in (await anon.get("/_control")).json()["sessions"]}


async def _ttft(client: ArenaClient, model: str) -> float:
    body = json.dumps(await client.body(model=model))
    started = time.monotonic()
    async with client.http.stream("POST", protocol.CREATE_EVALUATION_PATH, content=body) as r:
        async for _ in r.aiter_lines():
            return time.monotonic() - started
    raise AssertionError("empty stream")


async def test_each_session_counts_the_proxy_its_requests_named() -> None:
    async with LocalArena(FAST) as arena:
        async with (
            signed_up(arena, headers={PROXY_HEADER: "alpha"}) as a,
            signed_up(arena) as direct,
        ):
            await a.http.get(protocol.CHAT_PAGE_PATH)
            await direct.http.get(protocol.CHAT_PAGE_PATH)
            sessions = await _sessions(arena)
    # Sign-up itself came before the session existed; later requests are counted.
    assert set(sessions[a.user_id]["via"]) == {"alpha"}  # type: ignore[arg-type]
    assert set(sessions[direct.user_id]["via"]) == {""}  # type: ignore[arg-type]


async def test_a_slowed_model_waits_longer_for_its_first_token() -> None:
    async with LocalArena(FAST) as arena:
        arena.set_knobs(model_ttft_ms={"local-echo-2": 400})
        async with signed_up(arena) as client:
            slow = await _ttft(client, "local-echo-2")
            fast = await _ttft(client, "local-echo-1")
    assert slow >= 0.4 > fast

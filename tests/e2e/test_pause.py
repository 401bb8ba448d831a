"""Issue 11, item 7: the operator's pause. /v1 answers 503 + Retry-After at once, the site
sees no attempt meanwhile, and the pause survives a restart of the bridge."""

from __future__ import annotations

import time
from typing import Any

import httpx
import openai
import pytest

from tests.e2e.harness import Bridge, running_bridge


async def _attempts(bridge: Bridge, user_id: str, since: float) -> int:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
        r = await arena.get("/_control/attempts", params={"user_id": user_id, "since": since})
        r.raise_for_status()
        return int(r.json()["count"])


async def _user_id(bridge: Bridge) -> str:
    (inst,) = await bridge.instances()
    return str(inst["identity"]["user_id"])


async def _refused_while_paused(bridge: Bridge, model: str, left_s: float) -> None:
    """Plain, streamed and model-list calls all get the 503 with the pause's Retry-After."""
    with pytest.raises(openai.APIStatusError) as refused:
        await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hello while paused"}]
        )
    err = refused.value
    assert err.status_code == 503
    assert isinstance(err.body, dict) and err.body["code"] == "paused"
    retry_ms = float(err.response.headers["retry-after-ms"])
    assert left_s - 5_000 < retry_ms <= left_s * 1000
    assert int(err.response.headers["retry-after"]) == pytest.approx(retry_ms / 1000, abs=1)
    with pytest.raises(openai.APIStatusError) as streamed:
        stream = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "stream"}], stream=True
        )
        async for _ in stream:
            pass
    assert streamed.value.status_code == 503
    r = await bridge.http.get("/v1/models")
    assert r.status_code == 503 and r.json()["error"]["code"] == "paused"


async def test_pause_refuses_at_once_touches_nothing_and_survives_a_restart(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        user = await _user_id(bridge)
        r = await bridge.http.post("/api/pause", json={"seconds": 120})
        assert r.status_code == 200 and r.json()["paused"], r.text
        paused_at = time.time()
        started = time.monotonic()
        await _refused_while_paused(bridge, model, 120)
        assert time.monotonic() - started < 5  # told at once, not after the queue timeout
        status: dict[str, Any] = await bridge.status()
        assert status["pause"]["paused"] and status["pause"]["until"] > paused_at
        assert await _attempts(bridge, user, paused_at) == 0
        bad = await bridge.http.post("/api/pause", json={"seconds": "soon"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "seconds"

    async with running_bridge(tmp_path, instances=1) as bridge:  # same data folder
        user = await _user_id(bridge)
        restarted_at = time.time()
        assert (await bridge.status())["pause"]["paused"]
        left = 120 - (restarted_at - paused_at)
        await _refused_while_paused(bridge, model, left)
        assert await _attempts(bridge, user, restarted_at) == 0
        r = await bridge.http.post("/api/pause", json={"seconds": 0})
        assert r.json() == {"paused": False, "remaining_s": 0.0, "until": None}
        answer = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "resumed"}]
        )
        assert answer.choices[0].message.content
        assert await _attempts(bridge, user, restarted_at) == 1


async def test_pause_needs_the_admin_key(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, auth={"admin_key": "k" * 24}) as bridge:
        r = await bridge.http.post("/api/pause", json={"seconds": 60})
        assert r.status_code == 401
        assert not bridge.coordinator.pause.view()["paused"]

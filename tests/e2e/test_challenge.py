"""Issue: a challenged session is parked for a person, the rest keep serving, then it heals."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx

from tests.e2e.harness import Bridge, running_bridge, wait_for

ATTENTION_RULE = {
    "name": "instance_needs_attention",
    "kind": "needs_attention",
    "threshold": 0,
    "window_s": 60,
    "min_samples": 0,
    "cooldown_s": 60,
}


async def _collect_events(bridge: Bridge, into: list[tuple[str, dict[str, Any]]]) -> None:
    """Read /api/events (SSE) into `into` until cancelled."""
    async with httpx.AsyncClient(base_url=bridge.base_url, timeout=None) as http:
        with contextlib.suppress(httpx.HTTPError):  # the server may close it first
            async with http.stream("GET", "/api/events") as r:
                name = ""
                async for line in r.aiter_lines():
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        into.append((name, json.loads(line[5:])))


async def _state(bridge: Bridge, instance_id: str) -> str | None:
    return next((i["state"] for i in await bridge.instances() if i["id"] == instance_id), None)


async def test_challenge_parks_one_instance_alerts_and_clears_by_itself(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=2, alerts={"evaluate_interval_s": 0.5, "rules": [ATTENTION_RULE]}
    ) as bridge:
        events: list[tuple[str, dict[str, Any]]] = []
        reader = asyncio.create_task(_collect_events(bridge, events))
        await wait_for(lambda: any(n == "summary" for n, _ in events), 10, "SSE summary")
        model = await bridge.model()
        first, second = await bridge.instances()
        await bridge.knobs(challenge={"sessions": [first["identity"]["user_id"]]})

        # Every request succeeds: the challenged instance fails over or is skipped.
        for n in range(4):
            r = await bridge.http.post(
                "/v1/chat/completions",
                json={"model": model, "messages": [{"role": "user", "content": f"during {n}"}]},
            )
            assert r.status_code == 200, r.text
            assert r.headers["x-bridge-instance"] != first["id"]
        await wait_for(lambda: _is(bridge, first["id"], "needs_attention"), 10, "parked")
        parked = next(i for i in await bridge.instances() if i["id"] == first["id"])
        assert "challenge" in parked["state_reason"]
        assert await _state(bridge, second["id"]) == "ready"
        assert bridge.coordinator.pool.get(first["id"]).page.alive  # kept for a person

        def alerted() -> bool:
            return any(
                n == "instance" and d["id"] == first["id"] and d["new_state"] == "needs_attention"
                for n, d in events
            ) and any(
                n == "alert" and d["kind"] == "needs_attention" and d["state"] == "firing"
                for n, d in events
            )

        await wait_for(alerted, 10, "instance + alert events")
        alerts = (await bridge.http.get("/api/alerts")).json()
        assert any(
            a["kind"] == "needs_attention" and first["id"] in a["message"] for a in alerts["active"]
        )

        await bridge.knobs(challenge=False)
        await wait_for(lambda: _is(bridge, first["id"], "ready"), 15, "back to ready")
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        assert any(
            n == "instance"
            and d["id"] == first["id"]
            and d["new_state"] == "ready"
            and d["old_state"] == "needs_attention"
            for n, d in events
        )
        # It serves again.
        seen = set()
        for n in range(4):
            r = await bridge.http.post(
                "/v1/chat/completions",
                json={"model": model, "messages": [{"role": "user", "content": f"after {n}"}]},
            )
            assert r.status_code == 200
            seen.add(r.headers["x-bridge-instance"])
            await wait_for(lambda: bridge.coordinator.in_flight() == 0, 5, "idle")
        assert first["id"] in seen or (await _state(bridge, first["id"])) == "ready"


async def _is(bridge: Bridge, instance_id: str, state: str) -> bool:
    return await _state(bridge, instance_id) == state


async def test_open_without_display_is_a_clear_409(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with running_bridge(tmp_path, instances=1) as bridge:
        (inst,) = await bridge.instances()
        r = await bridge.http.post(f"/api/instances/{inst['id']}/open")
        assert r.status_code == 409
        error = r.json()["error"]
        assert error["code"] == "no_display"
        assert "display" in error["message"].lower()
        r = await bridge.http.post("/api/instances/i-999/open")
        assert r.status_code == 404
        assert await _state(bridge, inst["id"]) == "ready"  # nothing changed

"""Start the real bridge (real uvicorn on loopback, real Chromium) against the local arena."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import uvicorn

from api_server import create_app
from modules.app.coordinator import Coordinator
from modules.config import load_config
from modules.http.server import uvicorn_config
from modules.local_arena import LocalArena
from tests.support.polling import wait_for

__all__ = ["Bridge", "running_bridge", "wait_for", "write_config"]


@dataclass
class Bridge:
    """A running bridge and the handles a test needs."""

    base_url: str
    coordinator: Coordinator
    arena: LocalArena
    server: uvicorn.Server
    http: httpx.AsyncClient
    client: openai.AsyncOpenAI
    config_path: Path

    async def status(self) -> dict[str, Any]:
        r = await self.http.get("/api/status")
        r.raise_for_status()
        return r.json()

    async def instances(self) -> list[dict[str, Any]]:
        r = await self.http.get("/api/instances")
        r.raise_for_status()
        return r.json()["instances"]

    async def knobs(self, **knobs: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.arena.url) as arena:
            r = await arena.post("/_control", json=knobs)
            r.raise_for_status()
            return r.json()

    async def model(self) -> str:
        models = await self.client.models.list()
        return next(m.id for m in models.data if m.id.startswith("local-echo"))


def write_config(folder: Path, overrides: dict[str, Any]) -> Path:
    """A config.jsonc (with comments) for one test; storage inside the test's folder."""
    data: dict[str, Any] = {
        "storage": {"path": str(folder / "data")},
        "autoscale": {"enabled": False},
        "health": {"interval_s": 1, "probe_timeout_s": 2},
        # Unpaced unless a test asks (the real site's 45 s per send would stall every test);
        # penalties still apply, kept short.
        "pacing": {"enabled": False, "penalty_s": 5, "penalty_max_s": 20},
    }
    for section, values in overrides.items():
        data[section] = {**data.get(section, {}), **values}
    lines = ["// test configuration", "{"]
    items = list(data.items())
    for n, (section, values) in enumerate(items):
        lines.append(f"  // section {section}")
        body = json.dumps(values, indent=4).replace("\n", "\n  ")
        lines.append(f'  "{section}": {body}' + ("," if n < len(items) - 1 else ""))
    lines.append("}")
    path = folder / "config.jsonc"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@asynccontextmanager
async def running_bridge(
    folder: Path,
    *,
    instances: int = 2,
    wait_ready: int | None = None,
    arena_knobs: dict[str, Any] | None = None,
    api_key: str | None = None,
    legacy: bool = False,
    site: LocalArena | None = None,
    **overrides: Any,
) -> AsyncIterator[Bridge]:
    """Local arena + bridge on free loopback ports; everything closed on exit.

    `legacy`: the arena speaks the 2025 protocol (no page token: `auto` picks `fetch`);
    otherwise the 2026 one with its reCAPTCHA gate (`auto` picks `compose`). A `site` (a
    LocalArena) given by the test, with its own protocol, outlives the bridge: a restart
    meets the same site."""
    async with contextlib.AsyncExitStack() as stack:
        arena = site or await stack.enter_async_context(LocalArena(legacy_protocol=legacy))
        if arena_knobs:
            arena.set_knobs(**arena_knobs)
        sections = {
            "arena": {"url": arena.url},
            "pool": {
                "initial_instances": instances,
                "min_instances": min(1, instances),
                "max_instances": max(6, instances),
            },
        }
        for section, values in overrides.items():
            sections[section] = {**sections.get(section, {}), **values}
        if api_key:
            sections["auth"] = {**sections.get("auth", {}), "api_keys": [api_key]}
        path = write_config(folder, sections)
        config = load_config(path)
        app = create_app(config, seed=1234)
        # The server.* limits as start.py sets them, on a free loopback port.
        server = uvicorn.Server(uvicorn_config(app, config.server, host="127.0.0.1", port=0))
        task = asyncio.create_task(server.serve())
        try:
            await wait_for(lambda: server.started or task.done(), 60, "server start")
            if task.done():
                task.result()
            port = server.servers[0].sockets[0].getsockname()[1]
            base = f"http://127.0.0.1:{port}"
            coordinator: Coordinator = app.state.coordinator
            await coordinator.wait_ready(instances if wait_ready is None else wait_ready, 60)
            headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
            async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
                client = openai.AsyncOpenAI(
                    base_url=f"{base}/v1", api_key=api_key or "none", max_retries=0, timeout=60
                )
                yield Bridge(base, coordinator, arena, server, http, client, path)
                await client.close()
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 60)

"""Issue: observability — rows acknowledged before a `kill -9` of the bridge are still on disk."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO

import httpx
import openai
import psutil

from modules.observability.history import FILE_NAME, HistoryStore
from tests.e2e.harness import wait_for, write_config

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_bridge(config: Path, port: int, log: IO[bytes]) -> subprocess.Popen:
    """`python start.py --demo` in its own process, as a user would run it."""
    return subprocess.Popen(
        [
            sys.executable,
            "start.py",
            "--demo",
            "--port",
            str(port),
            "--instances",
            "2",
            "--config",
            str(config),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _kill_tree(proc: subprocess.Popen) -> list[tuple[psutil.Process, str]]:
    """SIGKILL the bridge process, then the Chromium children it leaves behind."""
    children: list[psutil.Process] = []
    names: list[str] = []
    with contextlib.suppress(psutil.NoSuchProcess):
        for child in psutil.Process(proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                names.append(child.name())
                children.append(child)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(children, timeout=10)
    return list(zip(children, names, strict=True))


async def test_rows_survive_kill_9_of_the_bridge_process(tmp_path) -> None:
    config = write_config(tmp_path, {"storage": {"path": str(tmp_path / "data")}})
    port = _free_port()
    log = (tmp_path / "bridge.log").open("wb")
    proc = _start_bridge(config, port, log)
    base = f"http://127.0.0.1:{port}"
    ids: list[str] = []
    killed: list[tuple[psutil.Process, str]] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:

            async def ready() -> bool:
                assert proc.poll() is None, (tmp_path / "bridge.log").read_text()
                with contextlib.suppress(httpx.TransportError):
                    return (await http.get("/ready")).status_code == 200
                return False

            await wait_for(ready, 60, "the bridge subprocess to be ready")
            client = openai.AsyncOpenAI(base_url=f"{base}/v1", api_key="none", max_retries=0)
            replies = await asyncio.gather(
                *(
                    client.chat.completions.create(
                        model="local-echo-1", messages=[{"role": "user", "content": f"durable {n}"}]
                    )
                    for n in range(6)
                )
            )
            await client.close()
            ids = [r.id for r in replies]

            async def acknowledged() -> bool:
                r = await http.get("/api/history", params={"limit": 100})
                return {row["request_id"] for row in r.json()["requests"]} >= set(ids)

            await wait_for(acknowledged, 10, "rows visible in /api/history")
        assert proc.poll() is None
        killed = _kill_tree(proc)
    finally:
        if proc.poll() is None:
            _kill_tree(proc)
        log.close()

    assert proc.returncode == -signal.SIGKILL
    assert any("chrom" in name.lower() or "headless" in name.lower() for _, name in killed), (
        f"no Chromium among the bridge's children: {[name for _, name in killed]}"
    )
    assert not [name for p, name in killed if p.is_running()]
    folder = tmp_path / "data"
    assert (folder / FILE_NAME).exists()
    store = HistoryStore(folder, retention_days=7, max_rows=1000)  # read-only use: not started
    rows = await store.requests(limit=100)
    assert {r["request_id"] for r in rows} == set(ids)
    assert all(r["status"] == 200 and r["model"] == "local-echo-1" for r in rows)
    events = await store.events(limit=100)
    ready = {e["instance_id"] for e in events if e["kind"] == "state" and e["new_state"] == "ready"}
    assert len(ready) == 2  # both instances' start-up is in the event history too

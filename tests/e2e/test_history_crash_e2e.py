"""Issue: observability — rows acknowledged before a `kill -9` of the bridge are still on disk."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess

import httpx
import openai
import psutil

from modules.observability.history import FILE_NAME, HistoryStore
from tests.e2e.bridge_process import free_port, start_demo, wait_ready
from tests.e2e.harness import wait_for, write_config


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
    port = free_port()
    log = (tmp_path / "bridge.log").open("wb")
    proc = start_demo(config, port, log, subprocess.STDOUT, "--instances", "2")
    base = f"http://127.0.0.1:{port}"
    ids: list[str] = []
    killed: list[tuple[psutil.Process, str]] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await wait_ready(proc, http, tmp_path / "bridge.log")
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

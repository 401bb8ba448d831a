"""Every answer a client saw has its history row, even when the bridge is killed (-9) the
moment the answers are out (group commit: the last byte waits for the row's commit)."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import httpx
import openai

from modules.observability.history import HistoryStore
from tests.e2e.bridge_process import free_port, start_demo, wait_ready
from tests.e2e.harness import write_config
from tests.e2e.test_history_crash_e2e import _kill_tree


async def _answer(client: openai.AsyncOpenAI, n: int) -> str:
    messages = [{"role": "user", "content": f"kept {n}"}]
    if n % 2:
        stream = await client.chat.completions.create(
            model="local-echo-1", messages=messages, stream=True
        )
        ids = {chunk.id async for chunk in stream}  # ends at data: [DONE]
        return ids.pop()
    reply = await client.chat.completions.create(model="local-echo-1", messages=messages)
    return reply.id


async def test_answered_requests_survive_a_kill_right_after(tmp_path) -> None:
    config = write_config(tmp_path, {"storage": {"path": str(tmp_path / "data")}})
    port = free_port()
    log = (tmp_path / "bridge.log").open("wb")
    proc = start_demo(config, port, log, subprocess.STDOUT, "--instances", "2")
    base = f"http://127.0.0.1:{port}"
    answered: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await wait_ready(proc, http, tmp_path / "bridge.log")
        client = openai.AsyncOpenAI(base_url=f"{base}/v1", api_key="none", max_retries=0)
        for wave in range(4):  # 4 waves of 5 at once; the kill follows the last answer
            answered += await asyncio.gather(*(_answer(client, wave * 5 + n) for n in range(5)))
        _kill_tree(proc)  # no pause, no flush request: what was answered must be on disk
        await client.close()
    finally:
        if proc.poll() is None:
            _kill_tree(proc)
        log.close()
    assert proc.returncode == -signal.SIGKILL
    store = HistoryStore(tmp_path / "data", retention_days=7, max_rows=1000)  # read only
    rows = await store.requests(limit=100)
    assert len(answered) == 20
    assert set(answered) <= {r["request_id"] for r in rows}

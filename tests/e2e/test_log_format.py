"""logging.format "json" (issue 14): every line the bridge writes to stderr is one JSON
object with the console's fields, uvicorn's own lines too, and no secret is in them. A
prompt logged by opt-in (logging.log_prompts) is on stderr only, never in the console's
log (/api/logs, its download)."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from pathlib import Path

import httpx

from tests.e2e.bridge_process import free_port, start_demo
from tests.e2e.harness import wait_for, write_config

API_KEY = "sk-json-log-4711"
PROMPT = "my private plan 4711"
FIELDS = {"time", "level", "component", "logger", "instance_id", "request_id", "message"}


async def _send_garbage(port: int) -> None:
    """Bytes that are not HTTP: uvicorn answers 400 and logs a warning of its own."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"NOT HTTP AT ALL\r\n\r\n")
    await writer.drain()
    await reader.read()  # uvicorn closes the connection
    writer.close()


async def _prompt_stays_off_the_console(http: httpx.AsyncClient) -> str:
    """A chat whose prompt is logged (opt-in) but not in the console's log; its request id."""
    auth = {"authorization": f"Bearer {API_KEY}"}
    model = (await http.get("/v1/models", headers=auth)).json()["data"][0]["id"]
    body = {"model": model, "messages": [{"role": "user", "content": PROMPT}]}
    r = await http.post("/v1/chat/completions", json=body, headers=auth)
    assert r.status_code == 200, r.text
    history = (await http.get("/api/history", params={"limit": 1})).json()["requests"]
    request_id = history[0]["request_id"]
    assert PROMPT not in (await http.get("/api/logs", params={"limit": 5000})).text
    assert PROMPT not in (await http.get("/api/logs/export")).text
    return request_id


async def _run_and_stop(tmp_path: Path, port: int, err: Path) -> str:
    logging = {"format": "json", "log_prompts": True}
    config = write_config(tmp_path, {"logging": logging, "auth": {"api_keys": [API_KEY]}})
    with (tmp_path / "stdout.log").open("wb") as out, err.open("wb") as errors:
        proc = start_demo(config, port, out, errors)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:

            async def ready() -> bool:
                try:
                    r = await http.get("/api/status")
                except httpx.HTTPError:
                    return False
                return r.status_code == 200 and r.json()["pool"]["usable"] >= 1

            await wait_for(ready, 60, "an instance ready")
            wrong = await http.get("/v1/models", headers={"authorization": "Bearer sk-wrong-key"})
            assert wrong.status_code == 401
            await _send_garbage(port)
            await wait_for(lambda: "Invalid HTTP request" in err.read_text(), 10, "uvicorn's line")
            return await _prompt_stays_off_the_console(http)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(proc.wait, 60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


async def test_json_log_lines_on_stderr(tmp_path: Path) -> None:
    err = tmp_path / "stderr.log"
    request_id = await _run_and_stop(tmp_path, free_port(), err)
    text = err.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert records and all(set(r) == FIELDS for r in records), text[:2000]
    assert any(r["component"] == "pool" and "ready" in r["message"] for r in records)
    uvicorn = [r for r in records if r["logger"].startswith("uvicorn")]
    assert any("Invalid HTTP request" in r["message"] for r in uvicorn), uvicorn
    assert all(r["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"} for r in records)
    assert API_KEY not in text
    prompts = [r for r in records if PROMPT in r["message"]]  # opted in: on stderr only
    assert [r["request_id"] for r in prompts] == [request_id]

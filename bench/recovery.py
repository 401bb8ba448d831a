"""Recovery timings through the public API (real Chromium, local arena); prints, never asserts.

    python3 bench/recovery.py [--rounds 3] [--instances 2]

detect   kill -9 of the browser -> its instances leave `ready` (/api/instances)
stream   kill -9 -> a streaming client sees its request end (error or retried success)
replace  kill -9 -> the pool is back to size with fresh instances all `ready`
add      POST /api/instances -> that instance is `ready`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.harness import Bridge, running_bridge  # noqa: E402

POLL_S = 0.01


async def _poll(predicate, timeout_s: float = 60) -> float:
    start = time.monotonic()
    while not await predicate():
        if time.monotonic() - start > timeout_s:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(POLL_S)
    return time.monotonic()


async def _stream_until_end(bridge: Bridge, model: str) -> float:
    body = {
        "model": model,
        "stream": True,
        "messages": [{"role": "user", "content": "a long answer " * 20}],
    }
    try:
        async with bridge.http.stream("POST", "/v1/chat/completions", json=body) as r:
            async for _ in r.aiter_lines():
                pass
    except Exception:  # noqa: BLE001 - any ending counts
        pass
    return time.monotonic()


async def crash_round(bridge: Bridge, model: str, size: int) -> tuple[float, float, float]:
    before = {i["id"] for i in await bridge.instances()}
    pids = [b["pid"] for b in (await bridge.status())["browsers"] if b["pid"]]
    client = asyncio.create_task(_stream_until_end(bridge, model))
    while bridge.coordinator.in_flight() == 0:
        await asyncio.sleep(POLL_S)
    await asyncio.sleep(0.3)  # the stream is sending tokens
    killed = time.monotonic()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)

    async def detected() -> bool:
        return not any(
            i["id"] in before and i["state"] in ("ready", "busy") for i in await bridge.instances()
        )

    async def replaced() -> bool:
        ready = [i for i in await bridge.instances() if i["state"] == "ready"]
        return len(ready) == size and not {i["id"] for i in ready} & before

    detect_at = await _poll(detected)
    replace_at = await _poll(replaced)
    stream_at = await client
    return detect_at - killed, stream_at - killed, replace_at - killed


async def add_round(bridge: Bridge) -> float:
    start = time.monotonic()
    r = await bridge.http.post("/api/instances", json={})
    new_id = r.json()["instance"]["id"]

    async def ready() -> bool:
        return any(i["id"] == new_id and i["state"] == "ready" for i in await bridge.instances())

    end = await _poll(ready)
    await bridge.http.delete(f"/api/instances/{new_id}")

    async def gone() -> bool:
        return all(i["id"] != new_id for i in await bridge.instances())

    await _poll(gone)
    return end - start


def _line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<8} median {statistics.median(ms):7.0f} ms   min {min(ms):7.0f} ms   "
        f"max {max(ms):7.0f} ms   (n={len(ms)})"
    )


async def main(rounds: int, size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with running_bridge(
            Path(tmp),
            instances=size,
            arena_knobs={"tokens_per_s": 20},
            health={"interval_s": 1, "probe_timeout_s": 2},
        ) as bridge:
            model = await bridge.model()
            detect, stream, replace, add = [], [], [], []
            for _ in range(rounds):
                d, s, r = await crash_round(bridge, model, size)
                detect.append(d)
                stream.append(s)
                replace.append(r)
                add.append(await add_round(bridge))
            print(
                f"recovery bench: {size} instances, {rounds} rounds, health.interval_s 1, "
                f"{os.cpu_count()} CPUs"
            )
            print(_line("detect", detect))
            print(_line("stream", stream))
            print(_line("replace", replace))
            print(_line("add", add))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--instances", type=int, default=2)
    args = p.parse_args()
    asyncio.run(main(args.rounds, args.instances))

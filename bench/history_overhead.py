"""Request latency with the SQLite history on vs off, side by side in one run; prints only.

    python3 bench/history_overhead.py [--requests 500] [--concurrency 8] [--instances 4]

Two real bridges (real Chromium, each with its own fast local arena: no TTFT, 10k
tokens/s) differ only in `storage.enabled`. The requests go in alternating rounds (one
bridge at a time, so they never compete for the CPU), after a short warm-up that is not
counted. Latency is the client's wall time of one non-streaming chat completion.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modules.observability.quantiles import percentile  # noqa: E402
from tests.e2e.harness import Bridge, running_bridge  # noqa: E402

FAST_ARENA = {"tokens_per_s": 10_000, "ttft_ms": 0}
MODEL = "local-echo-1"


async def _round(bridge: Bridge, count: int, concurrency: int, start: int) -> list[float]:
    """`count` requests with at most `concurrency` in flight; their latencies in seconds."""
    latencies: list[float] = []
    todo = iter(range(start, start + count))

    async def worker() -> None:
        for n in todo:
            body = {"model": MODEL, "messages": [{"role": "user", "content": f"bench {n}"}]}
            t0 = time.perf_counter()
            r = await bridge.http.post("/v1/chat/completions", json=body)
            latencies.append(time.perf_counter() - t0)
            r.raise_for_status()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def run(requests: int, concurrency: int, instances: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as on_dir, tempfile.TemporaryDirectory() as off_dir:
        common = {
            "instances": instances,
            "arena_knobs": FAST_ARENA,
            "pool": {"max_concurrent_per_instance": max(1, -(-concurrency // instances))},
            "health": {"interval_s": 30},
        }
        async with (
            running_bridge(Path(on_dir), storage={"enabled": True}, **common) as on,
            running_bridge(Path(off_dir), storage={"enabled": False}, **common) as off,
        ):
            sides = {"enabled": on, "disabled": off}
            for bridge in sides.values():  # warm-up: pages, connections, code paths
                await _round(bridge, 4 * concurrency, concurrency, 0)
            results: dict[str, list[float]] = {name: [] for name in sides}
            per_round = -(-requests // rounds)
            for k in range(rounds):
                order = list(sides.items()) if k % 2 == 0 else list(sides.items())[::-1]
                for name, bridge in order:
                    count = min(per_round, requests - len(results[name]))
                    results[name] += await _round(bridge, count, concurrency, 1000 * (k + 1))
            on.coordinator.obs.history.flush()
            rows = await on.coordinator.obs.history.requests(limit=10_000)
            off_rows = await off.coordinator.obs.history.requests(limit=10_000)

    print(
        f"history overhead: {requests} requests per side, concurrency {concurrency}, "
        f"{instances} instances, {rounds} alternating rounds"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
    print(f"{'history':<10} {'n':>5} {'mean ms':>9} {'p50 ms':>8} {'p95 ms':>8}")
    stats = {}
    for name, values in results.items():
        mean = statistics.fmean(values) * 1000
        p50 = percentile(values, 0.5) * 1000
        p95 = percentile(values, 0.95) * 1000
        stats[name] = (mean, p95)
        print(f"{name:<10} {len(values):>5} {mean:>9.2f} {p50:>8.2f} {p95:>8.2f}")
    (on_mean, on_p95), (off_mean, off_p95) = stats["enabled"], stats["disabled"]
    print(f"ratio enabled/disabled: mean {on_mean / off_mean:.3f}, p95 {on_p95 / off_p95:.3f}")
    print(f"rows written with history enabled: {len(rows)} (disabled: {len(off_rows)})")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=500)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--instances", type=int, default=4)
    p.add_argument("--rounds", type=int, default=20)
    args = p.parse_args()
    asyncio.run(run(args.requests, args.concurrency, args.instances, args.rounds))


if __name__ == "__main__":
    main()

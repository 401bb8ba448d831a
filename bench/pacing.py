"""Requests per hour with N identities vs 1 under the same pacing, side by side in one run.

    python3 bench/pacing.py [--identities 3] [--seconds 60] [--interval 1.5] [--burst 6]
                            [--window 30] [--clients N+2]

Two real bridges (real Chromium, each with its own local arena) differ only in the number
of instances (= identities). Both pace every identity the same way, the real site's rules
scaled down 30 times (one send per 1.5 s, at most 6 per 30 s instead of 45 s and 6 per
900 s), and both get more clients than identities for the same stretch of time, at once:
every client asks again as soon as it has its answer (after a 503, when Retry-After says).
Answers that finished inside the stretch are counted and turned into requests per hour.
The pacing, not the machine, sets the pace, so the ratio should be close to N (>= 0.9 N).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.harness import Bridge, running_bridge  # noqa: E402

FAST_ARENA = {"tokens_per_s": 2_000, "ttft_ms": 0}


async def _load(bridge: Bridge, clients: int, start: float, stop: float) -> tuple[int, int, int]:
    """Clients asking back to back from `start` to `stop` (monotonic); (answers that
    finished inside, 503s, other failures)."""
    model = await bridge.model()
    served: list[float] = []
    refused = failed = 0

    async def client(k: int) -> None:
        nonlocal refused, failed
        n = 0
        while time.monotonic() < stop:
            body = {"model": model, "messages": [{"role": "user", "content": f"c{k} r{n}"}]}
            n += 1
            try:
                r = await bridge.http.post("/v1/chat/completions", json=body)
            except httpx.HTTPError as err:  # counted and shown, not fatal to the run
                failed += 1
                print(f"client {k}: {type(err).__name__}", file=sys.stderr)
                continue
            if r.status_code == 200:
                served.append(time.monotonic())
                continue
            if r.status_code != 503:
                failed += 1
                continue
            refused += 1
            wait = float(r.headers.get("retry-after-ms", "1000")) / 1000
            await asyncio.sleep(min(wait, max(0.0, stop - time.monotonic())))

    await asyncio.sleep(max(0.0, start - time.monotonic()))
    await asyncio.gather(*(client(k) for k in range(clients)))
    return sum(1 for t in served if start <= t < stop), refused, failed


async def run(args: argparse.Namespace) -> None:
    pacing = {
        "enabled": True,
        "min_interval_s": args.interval,
        "burst": args.burst,
        "burst_window_s": args.window,
    }
    common: dict[str, Any] = {
        "arena_knobs": FAST_ARENA,
        "pacing": pacing,
        "queue": {"timeout_s": 4 * args.window, "max_size": 1000},
        "health": {"interval_s": 30},
    }
    sizes = {"1 identity": 1, f"{args.identities} identities": args.identities}
    clients = {name: args.clients or n + 2 for name, n in sizes.items()}
    with tempfile.TemporaryDirectory() as one_dir, tempfile.TemporaryDirectory() as many_dir:
        async with (
            running_bridge(Path(one_dir), instances=1, **common) as one,
            running_bridge(Path(many_dir), instances=args.identities, **common) as many,
        ):
            bridges = dict(zip(sizes, (one, many), strict=True))
            capacity = {
                n: (await b.status())["pacing"]["capacity_per_hour"] for n, b in bridges.items()
            }
            start = time.monotonic() + 1.0
            stop = start + args.seconds
            results = await asyncio.gather(
                *(_load(b, clients[n], start, stop) for n, b in bridges.items())
            )
    _report(args, sizes, clients, capacity, dict(zip(sizes, results, strict=True)))


def _report(
    args: argparse.Namespace,
    sizes: dict[str, int],
    clients: dict[str, int],
    capacity: dict[str, float],
    results: dict[str, tuple[int, int, int]],
) -> None:
    print(
        f"pacing: one send per {args.interval:g}s and {args.burst} per {args.window:g}s per "
        f"identity; {args.seconds:g}s of load on both bridges at once"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
    print(
        f"{'bridge':<14} {'clients':>7} {'answers':>7} {'503s':>5} {'req/h':>8} {'status says':>11}"
    )
    per_hour = {}
    for name, (answers, refused, failed) in results.items():
        per_hour[name] = answers * 3600 / args.seconds
        print(
            f"{name:<14} {clients[name]:>7} {answers:>7} {refused:>5} {failed:>6} "
            f"{per_hour[name]:>8.0f} {capacity[name]:>11.0f}"
        )
    one, many = (per_hour[name] for name in sizes)
    n = args.identities
    ratio = many / one if one else float("nan")
    verdict = "ok" if ratio >= 0.9 * n else "BELOW 0.9 N"
    print(f"ratio {n} identities / 1 identity: {ratio:.2f} (expect >= {0.9 * n:.2f}: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identities", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=1.5, help="pacing.min_interval_s")
    parser.add_argument("--burst", type=int, default=6, help="pacing.burst")
    parser.add_argument("--window", type=float, default=30.0, help="pacing.burst_window_s")
    parser.add_argument("--clients", type=int, default=0, help="default: identities + 2")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

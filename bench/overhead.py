"""What the bridge costs over talking to the site directly, and how strategies cope with slow
sessions. Everything is measured side by side in one run; prints only, never asserts.

    python3 bench/overhead.py [--instances 4] [--clients 8] [--requests 120]
                              [--strategy-requests 90] [--strategy-clients K-1]
                              [--tokens-per-s 50] [--ttft-ms 50]

Part 1, overhead: one local arena in its 2025 protocol (no page token, so both sides can
send) and one bridge (in-process, real Chromium, the `fetch` transport) with K instances.
N concurrent openai-SDK clients send streamed completions through the bridge; then the
same N clients send the same requests straight to the arena with httpx (the
create-evaluation body, K session cookies from the arena's sign-up endpoint, each session
used by one request at a time like an instance, so both sides have K upstream slots).
TTFT = request start to first text (bridge: first content chunk; direct: first `a0:` line).

Part 2, strategies: a fresh arena in its 2026 protocol (the `compose` transport) where
every 3rd session (by sign-up order) is 3x slower (`slow_sessions`, set before the
instances start) and a fresh bridge; each of the five strategies (switched with PUT
/api/settings) serves the same load of K-1 concurrent clients (below capacity, so a
strategy has a choice to make); p50/p95 latency of whole non-streamed completions, and
the share of requests that landed on slow instances.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MODEL, PROMPT, Run, bridge_streamed, direct_streamed, drive, ms  # noqa: E402

from modules.observability.quantiles import percentile  # noqa: E402
from modules.pool.strategies import STRATEGIES  # noqa: E402
from tests.e2e.harness import Bridge, running_bridge  # noqa: E402


# --- part 1: bridge vs direct ------------------------------------------------------
async def part_overhead(args: argparse.Namespace) -> None:
    knobs = {"tokens_per_s": args.tokens_per_s, "ttft_ms": args.ttft_ms}
    with tempfile.TemporaryDirectory() as folder:
        # The 2025 arena: direct requests carry no page token, so the bridge uses `fetch`
        # too (bench/transports.py puts `compose` beside them).
        async with running_bridge(
            Path(folder),
            instances=args.instances,
            legacy=True,
            arena_knobs=knobs,
            health={"interval_s": 30},
        ) as bridge:
            warm = 2 * args.instances
            await bridge_streamed(bridge, warm, args.clients, 10_000)  # pages, connections
            await direct_streamed(bridge.arena.url, args.instances, warm, args.clients, 10_000)
            via = await bridge_streamed(bridge, args.requests, args.clients, 0)
            direct = await direct_streamed(
                bridge.arena.url, args.instances, args.requests, args.clients, 0
            )
    print(
        f"\nPart 1: bridge vs direct ({args.instances} instances/sessions, {args.clients} "
        f"concurrent clients, {args.requests} streamed requests each, arena "
        f"{args.tokens_per_s:g} tok/s, TTFT {args.ttft_ms} ms)"
    )
    print(
        f"{'':10}{'req/s':>9}{'TTFT p50 ms':>13}{'TTFT p95 ms':>13}{'total p50 ms':>14}"
        f"{'total p95 ms':>14}{'errors':>8}"
    )
    for name, run in (("bridge", via), ("direct", direct)):
        print(
            f"{name:10}{run.rps():9.2f}{ms(percentile(run.ttft, 0.5)):>13}"
            f"{ms(percentile(run.ttft, 0.95)):>13}{ms(percentile(run.total, 0.5)):>14}"
            f"{ms(percentile(run.total, 0.95)):>14}{run.errors:>8}"
        )

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:9.2f}" if a and b else "        -"

    print(
        f"{'ratio b/d':10}{ratio(via.rps(), direct.rps())}"
        f"{ratio(percentile(via.ttft, 0.5), percentile(direct.ttft, 0.5)):>13}"
        f"{ratio(percentile(via.ttft, 0.95), percentile(direct.ttft, 0.95)):>13}"
        f"{ratio(percentile(via.total, 0.5), percentile(direct.total, 0.5)):>14}"
        f"{ratio(percentile(via.total, 0.95), percentile(direct.total, 0.95)):>14}"
    )


# --- part 2: strategies with slow sessions ------------------------------------------
async def slow_instances(bridge: Bridge) -> set[str]:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
        sessions = (await arena.get("/_control")).json()["sessions"]
    slow_users = {s["user_id"] for s in sessions if s["speed_factor"] > 1}
    return {i["id"] for i in await bridge.instances() if i["identity"]["user_id"] in slow_users}


async def bridge_plain(bridge: Bridge, count: int, clients: int, offset: int) -> Run:
    async def one(n: int, run: Run) -> None:
        t0 = time.perf_counter()
        raw = await bridge.client.chat.completions.with_raw_response.create(
            model=MODEL, messages=[{"role": "user", "content": PROMPT.format(n=offset + n)}]
        )
        raw.parse()
        run.total.append(time.perf_counter() - t0)
        run.instances.append(raw.headers["x-bridge-instance"])

    return await drive(count, clients, one)


async def part_strategies(args: argparse.Namespace) -> None:
    knobs = {
        "tokens_per_s": args.tokens_per_s,
        "ttft_ms": args.ttft_ms,
        "slow_sessions": {"every_nth": 3, "factor": 3},
    }
    # Below capacity, so every pick has at least two free instances to choose from (when
    # all are busy, each freed slot goes straight to the queue head and no strategy matters).
    clients = args.strategy_clients or max(1, args.instances - 1)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        async with running_bridge(
            Path(folder), instances=args.instances, arena_knobs=knobs, health={"interval_s": 30}
        ) as bridge:
            slow = await slow_instances(bridge)
            await bridge_plain(bridge, 2 * args.instances, clients, 20_000)  # warm-up
            for k, name in enumerate(STRATEGIES):
                r = await bridge.http.put("/api/settings", json={"strategy": name})
                r.raise_for_status()
                run = await bridge_plain(bridge, args.strategy_requests, clients, 30_000 + 1000 * k)
                on_slow = sum(1 for i in run.instances if i in slow)
                rows.append((name, run, on_slow))
    print(
        f"\nPart 2: strategies, {len(slow)} of {args.instances} instances 3x slower "
        f"({', '.join(sorted(slow)) or 'none'}), {clients} concurrent clients, "
        f"{args.strategy_requests} non-streamed requests per strategy"
    )
    print(f"{'strategy':15}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'on slow':>10}{'errors':>8}")
    for name, run, on_slow in rows:
        share = f"{100 * on_slow / len(run.instances):.0f}%" if run.instances else "-"
        print(
            f"{name:15}{run.rps():9.2f}{ms(percentile(run.total, 0.5)):>10}"
            f"{ms(percentile(run.total, 0.95)):>10}{share:>10}{run.errors:>8}"
        )


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    print(
        f"bench/overhead.py on {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if not args.skip_overhead:
        await part_overhead(args)
    if not args.skip_strategies:
        await part_strategies(args)
    print(
        f"\ndone in {time.perf_counter() - started:.0f} s; load average now "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--instances", type=int, default=4, help="K instances / direct sessions")
    p.add_argument("--clients", type=int, default=8, help="N concurrent clients")
    p.add_argument("--requests", type=int, default=120, help="measured requests per side")
    p.add_argument("--strategy-requests", type=int, default=90, help="requests per strategy")
    p.add_argument(
        "--strategy-clients",
        type=int,
        default=0,
        help="concurrent clients in part 2 (default: instances - 1)",
    )
    p.add_argument("--tokens-per-s", type=float, default=50, help="arena streaming speed")
    p.add_argument("--ttft-ms", type=int, default=50, help="arena time to first token")
    p.add_argument("--skip-overhead", action="store_true", help="only part 2")
    p.add_argument("--skip-strategies", action="store_true", help="only part 1")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))

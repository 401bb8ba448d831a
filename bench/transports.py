"""The transports side by side: TTFT and throughput of `compose`, `fetch` and talking to the
site directly, and the relay alone, in one run. Prints only, never asserts.

    python3 bench/transports.py [--instances 2] [--requests 40] [--streams 1,4]
                                [--tokens-per-s 50] [--ttft-ms 50]

Every row gets its own fresh local arena with the same knobs. Direct requests have no page
to get a token from, so `direct`, `relay` and `bridge fetch` run the arena's 2025 protocol
(tokenless); `compose` runs on both: on the 2025 arena (the page types and sends, no token)
and on the 2026 arena (the page also gets a reCAPTCHA token per send), so the two compose
rows show what the token costs apart from what typing into a fresh chat page costs.

- direct: httpx straight to the arena, K anonymous sessions, one request per session at a
  time (the bridge's K instances), first `a0:` line = first token.
- relay: the `fetch` transport alone, in-process: K pages, the page's fetch() and the
  batched relay back to Python, no HTTP API; first text event = first token.
- bridge fetch / compose: through the bridge (openai SDK, SSE) with `arena.transport`
  forced; first content chunk = first token. Affinity is off, so every compose request is
  a new chat (the page opens the chat page, types, presses Enter).
- `head`: when the response head reached the client (direct) or Python (relay); the rest
  of TTFT is head -> first text.

For each S in --streams, S clients send --requests streamed completions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MODEL, PROMPT, FairPool, Run, bridge_streamed, direct_streamed, drive, ms  # noqa: E402

from modules.browser.driver import BrowserDriver  # noqa: E402
from modules.browser.page_session import PageSession  # noqa: E402
from modules.browser.relay_stream import Deadlines  # noqa: E402
from modules.browser.transport import SendRequest  # noqa: E402
from modules.browser.transport_fetch import FetchTransport  # noqa: E402
from modules.config import BrowserConfig  # noqa: E402
from modules.local_arena import LocalArena  # noqa: E402
from modules.local_arena.catalog import MODELS  # noqa: E402
from modules.observability.quantiles import percentile  # noqa: E402
from modules.upstream.body import ChatTurn  # noqa: E402
from modules.upstream.events import TextDelta  # noqa: E402
from modules.upstream.models import ArenaModel  # noqa: E402
from modules.upstream.parser import StreamParser  # noqa: E402
from modules.upstream.protocol import AUTH_COOKIE  # noqa: E402
from tests.e2e.harness import running_bridge  # noqa: E402

Measure = Callable[[int, int, int], Awaitable[Run]]  # (count, clients, offset) -> Run


async def _rows(args: argparse.Namespace, measure: Measure) -> dict[int, Run]:
    await measure(2 * args.instances, args.instances, 50_000)  # warm-up: pages, connections
    return {s: await measure(args.requests, s, 10_000 * s) for s in args.streams}


async def direct_rows(args: argparse.Namespace, knobs: dict[str, Any]) -> dict[int, Run]:
    async with LocalArena(legacy_protocol=True) as arena:
        arena.set_knobs(**knobs)
        return await _rows(
            args, lambda c, k, o: direct_streamed(arena.url, args.instances, c, k, o)
        )


async def _open_pages(driver: BrowserDriver, url: str, k: int) -> list[PageSession]:
    pages = []
    for n in range(k):
        page = await PageSession.open(f"bench-{n}", await driver.host_with_room(), 30)
        await page.goto(url + "/", 30)
        await page.wait_for_cookie(AUTH_COOKIE, 30)
        pages.append(page)
    return pages


async def _relay_one(pool: FairPool, model: ArenaModel, n: int, run: Run) -> None:
    t0 = time.perf_counter()
    run.starts.append(t0)
    transport: Any = await pool.get()
    try:
        stream = await transport.open(SendRequest(model, (ChatTurn("user", PROMPT.format(n=n)),)))
        run.head.append(time.perf_counter() - t0)
        parser, first = StreamParser(), None
        async for chunk in stream.chunks():
            if first is None and any(isinstance(e, TextDelta) for e in parser.feed(chunk)):
                first = time.perf_counter() - t0
        run.total.append(time.perf_counter() - t0)
        run.ttft.append(first if first is not None else run.total[-1])
    finally:
        pool.put(transport)


async def relay_rows(args: argparse.Namespace, knobs: dict[str, Any]) -> dict[int, Run]:
    """The fetch transport alone: page fetch + relay, measured in-process."""
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    async with LocalArena(legacy_protocol=True) as arena, BrowserDriver(BrowserConfig()) as driver:
        arena.set_knobs(**knobs)
        pages = await _open_pages(driver, arena.url, args.instances)
        pool = FairPool()
        for page in pages:
            pool.put(FetchTransport(page, Deadlines(60, 60, 300)))  # type: ignore[arg-type]

        def measure(count: int, clients: int, offset: int) -> Awaitable[Run]:
            return drive(count, clients, lambda n, run: _relay_one(pool, model, offset + n, run))

        rows = await _rows(args, measure)
        print(f"  one evaluate() round trip to a page: p50 {ms(await _round_trip(pages[0]))} ms")
        for page in pages:
            await page.close()
    return rows


async def _round_trip(page: PageSession) -> float | None:
    samples = []
    for _ in range(50):
        t0 = time.perf_counter()
        await page.evaluate("() => 1")
        samples.append(time.perf_counter() - t0)
    return percentile(samples, 0.5)


async def bridge_rows(
    args: argparse.Namespace, knobs: dict[str, Any], transport: str, legacy: bool
) -> dict[int, Run]:
    with tempfile.TemporaryDirectory() as folder:
        async with running_bridge(
            Path(folder),
            instances=args.instances,
            legacy=legacy,
            arena_knobs=knobs,
            arena={"transport": transport},
            balancer={"affinity": {"enabled": False}},
            health={"interval_s": 30},
        ) as bridge:
            return await _rows(args, lambda c, k, o: bridge_streamed(bridge, c, k, o))


def print_table(args: argparse.Namespace, rows: dict[str, dict[int, Run]]) -> None:
    for streams in args.streams:
        print(f"\n{streams} concurrent stream(s), {args.requests} requests, {args.instances} slots")
        print(
            f"{'':24}{'req/s':>7}{'TTFT p50':>10}{'p95':>8}{'+p50 vs direct':>16}"
            f"{'head p50':>10}{'total p50':>11}{'errors':>7}"
        )
        base = percentile(rows["direct"][streams].ttft, 0.5) or 0.0
        for name, by_streams in rows.items():
            run = by_streams[streams]
            p50 = percentile(run.ttft, 0.5)
            extra = f"{(p50 - base) * 1000:+13.1f} ms" if p50 is not None else "-"
            print(
                f"{name:24}{run.rps():7.2f}{ms(p50):>10}{ms(percentile(run.ttft, 0.95)):>8}"
                f"{extra:>16}{ms(percentile(run.head, 0.5)):>10}"
                f"{ms(percentile(run.total, 0.5)):>11}{run.errors:>7}"
            )


async def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"bench/transports.py on {os.cpu_count()} CPUs, load average {load}")
    knobs = {"tokens_per_s": args.tokens_per_s, "ttft_ms": args.ttft_ms}
    rows: dict[str, dict[int, Run]] = {}
    rows["direct"] = await direct_rows(args, knobs)
    rows["relay (fetch alone)"] = await relay_rows(args, knobs)
    rows["bridge fetch"] = await bridge_rows(args, knobs, "fetch", legacy=True)
    rows["bridge compose (2025)"] = await bridge_rows(args, knobs, "compose", legacy=True)
    rows["bridge compose (2026)"] = await bridge_rows(args, knobs, "compose", legacy=False)
    print_table(args, rows)
    print(f"\ndone in {time.perf_counter() - started:.0f} s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--instances", type=int, default=2, help="K instances / sessions / pages")
    p.add_argument("--requests", type=int, default=40, help="measured requests per row")
    p.add_argument("--streams", default="1,4", help="concurrent streams, comma separated")
    p.add_argument("--tokens-per-s", type=float, default=50, help="arena streaming speed")
    p.add_argument("--ttft-ms", type=int, default=50, help="arena time to first token")
    args = p.parse_args(argv)
    args.streams = [int(s) for s in args.streams.split(",") if s]
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))

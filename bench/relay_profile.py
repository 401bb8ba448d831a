"""Where the relay's time goes: one request at a time, direct vs the `fetch` transport alone,
split at the arena (same process, same clock). Prints only, never asserts.

    python3 bench/relay_profile.py [--requests 40] [--ttft-ms 50]

- out: request start -> the arena starts its response (the way there: for the relay
  Python -> Playwright's driver -> Chromium -> the page's fetch -> the arena);
- arena: response start -> the arena sends its first `a0:` line (its own TTFT knob);
- back: that line leaves the arena -> the first text is parsed in Python (for the relay:
  Chromium's network stack -> the page's reader -> the long-poll -> Python).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MODEL, FairPool, Run, direct_streamed, drive, ms  # noqa: E402
from transports import _open_pages, _relay_one  # noqa: E402

from modules.browser.driver import BrowserDriver  # noqa: E402
from modules.browser.relay_stream import Deadlines  # noqa: E402
from modules.browser.transport_fetch import FetchTransport  # noqa: E402
from modules.config import BrowserConfig  # noqa: E402
from modules.local_arena import LocalArena  # noqa: E402
from modules.local_arena.catalog import MODELS  # noqa: E402
from modules.local_arena.stream_body import ArenaStream  # noqa: E402
from modules.observability.quantiles import percentile  # noqa: E402
from modules.upstream.models import ArenaModel  # noqa: E402

MARKS: list[dict[str, float]] = []  # per response, in order: start, a0


def _mark_arena() -> None:
    """Time each arena response: when it starts and when its first text line leaves."""
    original = ArenaStream.__call__

    async def timed(self: ArenaStream, scope: Any, receive: Any, send: Any) -> None:
        marks = {"start": time.perf_counter()}
        MARKS.append(marks)

        async def send_marked(message: Any) -> None:
            await send(message)
            if "a0" not in marks and b"a0:" in message.get("body", b""):
                marks["a0"] = time.perf_counter()

        await original(self, scope, receive, send_marked)

    ArenaStream.__call__ = timed  # type: ignore[method-assign]


def split(run: Run, marks: list[dict[str, float]]) -> list[float | None]:
    """p50 of TTFT and of its three legs, request by request (one at a time, in order)."""
    pairs = list(zip(run.starts, run.ttft, marks, strict=True))
    out = [m["start"] - t0 for t0, _, m in pairs]
    arena = [m["a0"] - m["start"] for _, _, m in pairs]
    back = [t0 + ttft - m["a0"] for t0, ttft, m in pairs]
    return [percentile(x, 0.5) for x in (run.ttft, out, arena, back)]


async def profiled(measure: Any, count: int) -> list[float | None]:
    """Warm up, then `count` requests one at a time, each timed at the arena too."""
    await measure(4, 50_000)
    MARKS.clear()
    run = await measure(count, 0)
    return split(run, list(MARKS))


async def main(args: argparse.Namespace) -> None:
    _mark_arena()
    knobs = {"ttft_ms": args.ttft_ms, "tokens_per_s": 50}
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    rows = {}
    async with LocalArena(legacy_protocol=True) as arena:
        arena.set_knobs(**knobs)
        rows["direct"] = await profiled(
            lambda count, offset: direct_streamed(arena.url, 1, count, 1, offset), args.requests
        )
        async with BrowserDriver(BrowserConfig()) as driver:
            pages = await _open_pages(driver, arena.url, 1)
            pool = FairPool()
            pool.put(FetchTransport(pages[0], Deadlines(60, 60, 300)))  # type: ignore[arg-type]

            def relay(count: int, offset: int) -> Any:
                return drive(count, 1, lambda n, r: _relay_one(pool, model, offset + n, r))

            rows["relay"] = await profiled(relay, args.requests)
            await pages[0].close()
    print(f"{'p50 ms':10}{'TTFT':>9}{'out':>9}{'arena':>9}{'back':>9}")
    for name, values in rows.items():
        print(f"{name:10}" + "".join(f"{ms(v):>9}" for v in values))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--requests", type=int, default=40)
    p.add_argument("--ttft-ms", type=int, default=50)
    asyncio.run(main(p.parse_args()))

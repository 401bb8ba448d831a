"""Where the relay's time goes: one request at a time, direct vs the `fetch` transport alone,
split at the arena and inside the page (same machine, one clock). Prints only, never asserts.

    python3 bench/relay_profile.py [--requests 40] [--ttft-ms 50]

- out: request start -> the arena starts its response (the way there: for the relay
  Python -> Playwright's driver -> Chromium -> the page's fetch -> the arena);
- arena: response start -> the arena sends its first `a0:` line (its own TTFT knob);
- back: that line leaves the arena -> the first text is parsed in Python (for the relay:
  Chromium's network stack -> the page's reader -> the long-poll -> Python).

For the relay, marks taken inside the page (a bench-only init script wraps the relay's
calls and the stream reader; page time is wall-clock time, as Python's) split the two
legs further: out = py>page (Python -> the relay's start runs in the page) + page>arena
(the page's fetch -> the arena); back = arena>page (the line -> the page's reader has it)
+ page>py (the reader -> Python has the batch) + py (the batch -> the text is parsed).
Page clocks are coarsened to 0.1 ms.
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
from transports import _relay_one  # noqa: E402

from modules.browser.driver import BrowserDriver  # noqa: E402
from modules.browser.page_session import PageSession  # noqa: E402
from modules.browser.relay_stream import Deadlines, RelayStream  # noqa: E402
from modules.browser.transport_fetch import FetchTransport  # noqa: E402
from modules.config import BrowserConfig  # noqa: E402
from modules.local_arena import LocalArena  # noqa: E402
from modules.local_arena.catalog import MODELS  # noqa: E402
from modules.local_arena.stream_body import ArenaStream  # noqa: E402
from modules.observability.quantiles import percentile  # noqa: E402
from modules.upstream.models import ArenaModel  # noqa: E402
from modules.upstream.protocol import AUTH_COOKIE  # noqa: E402

MARKS: list[dict[str, float]] = []  # per response, in order: start, a0
TAKEN: list[float] = []  # per relayed response: when Python took its first batch with data
# Wall clock minus perf_counter: page marks (wall clock, ms) -> perf_counter seconds.
WALL = time.time() - time.perf_counter()

# Bench only, after the relay's own init script: the page's wall-clock time when the relay
# starts a request, and when its stream reader first hands over bytes.
PAGE_MARKS_JS = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  const marks = (window.__benchMarks = []);
  const relay = window.__bridgeRelay;
  const start = relay.start.bind(relay);
  relay.start = (...args) => { marks.push({ start: now() }); return start(...args); };
  const read = ReadableStreamDefaultReader.prototype.read;
  ReadableStreamDefaultReader.prototype.read = function () {
    return read.call(this).then((r) => {
      const m = marks[marks.length - 1];
      if (m && !m.read && r.value && r.value.length) m.read = now();
      return r;
    });
  };
})()"""


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


def _mark_taken() -> None:
    """Time when Python takes the first batch of each relayed response that holds data."""
    original = RelayStream._take

    def timed(self: RelayStream, batch: dict[str, Any]) -> None:
        if batch["data"] and not getattr(self, "_bench_taken", False):
            self._bench_taken = True  # type: ignore[attr-defined]
            TAKEN.append(time.perf_counter())
        original(self, batch)

    RelayStream._take = timed  # type: ignore[method-assign]


def p50s(*columns: list[float]) -> list[float | None]:
    return [percentile(x, 0.5) for x in columns]


def split(run: Run, marks: list[dict[str, float]]) -> list[float | None]:
    """p50 of TTFT and of its three legs, request by request (one at a time, in order)."""
    pairs = list(zip(run.starts, run.ttft, marks, strict=True))
    out = [m["start"] - t0 for t0, _, m in pairs]
    arena = [m["a0"] - m["start"] for _, _, m in pairs]
    back = [t0 + ttft - m["a0"] for t0, ttft, m in pairs]
    return p50s(run.ttft, out, arena, back)


def split_page(run: Run, marks: list[dict[str, float]], page: list[dict[str, float]]) -> list:
    """p50 of the relay's legs split at the page: py>page, page>arena, arena>page, page>py, py."""
    rows = list(zip(run.starts, run.ttft, marks, page, TAKEN, strict=True))
    at = [{k: v / 1000 - WALL for k, v in p.items()} for _, _, _, p, _ in rows]
    return p50s(
        [a["start"] - t0 for (t0, *_), a in zip(rows, at, strict=True)],
        [m["start"] - a["start"] for (_, _, m, _, _), a in zip(rows, at, strict=True)],
        [a["read"] - m["a0"] for (_, _, m, _, _), a in zip(rows, at, strict=True)],
        [took - a["read"] for (*_, took), a in zip(rows, at, strict=True)],
        [t0 + ttft - took for t0, ttft, _, _, took in rows],
    )


async def profiled(measure: Any, count: int) -> tuple[Run, list[dict[str, float]]]:
    """Warm up, then `count` requests one at a time, each timed at the arena too."""
    await measure(4, 50_000)
    MARKS.clear()
    TAKEN.clear()
    run = await measure(count, 0)
    return run, list(MARKS)


async def _open_page(driver: BrowserDriver, url: str) -> PageSession:
    page = await PageSession.open("bench-0", await driver.host_with_room(), 30)
    await page.context.add_init_script(PAGE_MARKS_JS)
    await page.goto(url + "/", 30)
    await page.wait_for_cookie(AUTH_COOKIE, 30)
    return page


async def relay_profile(arena_url: str, requests: int) -> tuple[list, list]:
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    async with BrowserDriver(BrowserConfig()) as driver:
        page = await _open_page(driver, arena_url)
        pool = FairPool()
        pool.put(FetchTransport(page, Deadlines(60, 60, 300)))  # type: ignore[arg-type]

        def relay(count: int, offset: int) -> Any:
            return drive(count, 1, lambda n, r: _relay_one(pool, model, offset + n, r))

        run, marks = await profiled(relay, requests)
        in_page = await page.evaluate("() => window.__benchMarks")
        await page.close()
    return split(run, marks), split_page(run, marks, in_page[-requests:])


async def main(args: argparse.Namespace) -> None:
    _mark_arena()
    _mark_taken()
    async with LocalArena(legacy_protocol=True) as arena:
        arena.set_knobs(ttft_ms=args.ttft_ms, tokens_per_s=50)
        direct = split(
            *await profiled(
                lambda count, offset: direct_streamed(arena.url, 1, count, 1, offset),
                args.requests,
            )
        )
        relay, legs = await relay_profile(arena.url, args.requests)
    print(f"{'p50 ms':10}{'TTFT':>9}{'out':>9}{'arena':>9}{'back':>9}")
    for name, values in (("direct", direct), ("relay", relay)):
        print(f"{name:10}" + "".join(f"{ms(v):>9}" for v in values))
    names = ("py>page", "page>arena", "arena>page", "page>py", "py")
    print(
        "\nrelay legs, p50 ms: "
        + "  ".join(f"{n} {ms(v).strip()}" for n, v in zip(names, legs, strict=True))
    )


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--requests", type=int, default=40)
    p.add_argument("--ttft-ms", type=int, default=50)
    asyncio.run(main(p.parse_args()))

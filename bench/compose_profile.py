"""Where `compose`'s time goes: one new chat at a time through the `compose` transport alone
(in-process, no HTTP API), each browser call and each arena request timed on one clock.
Prints only, never asserts.

    python3 bench/compose_profile.py [--requests 20] [--ttft-ms 50] [--legacy]

Per request, from the moment the transport is asked to send:
- every browser call the transport makes, by the name it gives it (`open chat` = the
  page load, `find composer`, `arm relay`, `type message`, `press Enter`, `read stream` =
  the long-polls of wait_sent / wait_head and of the body); its p50 duration and how many
  per request; calls made off the request's task (the spare tab loading) are marked
  `(background)`;
- the arena's side (same process, same clock): when the chat page, the reCAPTCHA script
  and the token were asked for, when the stream request arrived and when its first text
  line left; then when Python parsed the first text.
The 2026 arena by default (a token per send); `--legacy` the 2025 one (no token).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MODEL, PROMPT, ms  # noqa: E402
from transports import _open_pages  # noqa: E402

from modules.browser.driver import BrowserDriver  # noqa: E402
from modules.browser.page_session import PageSession  # noqa: E402
from modules.browser.relay_stream import Deadlines  # noqa: E402
from modules.browser.transport import SendRequest  # noqa: E402
from modules.browser.transport_compose import ComposeTransport  # noqa: E402
from modules.config import BrowserConfig  # noqa: E402
from modules.local_arena import LocalArena  # noqa: E402
from modules.local_arena.catalog import MODELS  # noqa: E402
from modules.observability.quantiles import percentile  # noqa: E402
from modules.upstream.body import ChatTurn  # noqa: E402
from modules.upstream.events import TextDelta  # noqa: E402
from modules.upstream.models import ArenaModel  # noqa: E402
from modules.upstream.parser import StreamParser  # noqa: E402
from modules.upstream.protocol import STREAM_PATH_PREFIX  # noqa: E402
from modules.upstream.site_ui import SiteUi  # noqa: E402

T = TypeVar("T")
# One request: TTFT, its start, its browser calls (name, start, end), arena events (name, at).
Row = tuple[float, float, list[tuple[str, float, float]], list[tuple[str, float]]]


class Timeline:
    """Marks of the request in flight: (name, start, end) of calls and arena events."""

    def __init__(self) -> None:
        self.t0 = 0.0
        self.task: asyncio.Task[Any] | None = None  # the request's; other calls are background
        self.calls: list[tuple[str, float, float]] = []
        self.arena: list[tuple[str, float]] = []
        self.rows: list[Row] = []

    def begin(self) -> None:
        self.t0, self.calls, self.arena = time.perf_counter(), [], []
        self.task = asyncio.current_task()

    def end(self, ttft: float) -> None:
        self.rows.append((ttft, self.t0, self.calls, self.arena))


_UNTIMED_CALL = PageSession.call


def instrument(timeline: Timeline, arena: LocalArena) -> None:
    """Time every PageSession.call and every arena request (first text line included)."""
    original = _UNTIMED_CALL

    async def timed(self: PageSession, coro: Awaitable[T], what: str, *a: Any, **k: Any) -> T:
        start = time.perf_counter()
        try:
            return await original(self, coro, what, *a, **k)
        finally:
            if asyncio.current_task() is not timeline.task:
                what = "(background) " + what
            timeline.calls.append((what, start, time.perf_counter()))

    PageSession.call = timed  # type: ignore[method-assign]

    arena.app.add_middleware(_marker(timeline))


def _marker(timeline: Timeline) -> Any:
    """An ASGI middleware noting when each arena request came and was answered."""

    class Marker:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            path = scope.get("path", "")
            name = _arena_name(path)
            if name:
                timeline.arena.append((name + " asked", time.perf_counter()))

            async def marked(message: Any) -> None:
                await send(message)
                if name == "stream" and b"a0:" in message.get("body", b""):
                    if not any(n == "stream a0 sent" for n, _ in timeline.arena):
                        timeline.arena.append(("stream a0 sent", time.perf_counter()))
                elif name and message["type"] == "http.response.body":
                    if not message.get("more_body"):
                        timeline.arena.append((name + " answered", time.perf_counter()))

            await self.app(scope, receive, marked)

    return Marker


def _arena_name(path: str) -> str:
    if path.startswith(STREAM_PATH_PREFIX):
        return "stream"
    if "recaptcha" in path:
        return "token" if path.endswith("token") or "execute" in path else "reCAPTCHA script"
    if path.startswith("/text/") or path == "/":
        return "chat page"
    return ""


async def one(transport: ComposeTransport, model: ArenaModel, n: int, timeline: Timeline) -> None:
    timeline.begin()
    stream = await transport.open(SendRequest(model, (ChatTurn("user", PROMPT.format(n=n)),)))
    parser, first = StreamParser(), None
    async for chunk in stream.chunks():
        if first is None and any(isinstance(e, TextDelta) for e in parser.feed(chunk)):
            first = time.perf_counter() - timeline.t0
    timeline.end(first or 0.0)


def report(timeline: Timeline, title: str) -> None:
    rows = timeline.rows
    print(f"\n{title}: {len(rows)} new chats, one at a time; p50 in ms")
    print(
        f"  TTFT (transport asked -> first text parsed)  {ms(percentile([r[0] for r in rows], 0.5))}"
    )
    durations: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for _, _, calls, _ in rows:
        per: dict[str, float] = defaultdict(float)
        for what, start, end in calls:
            per[what] += end - start
            counts[what] += 1
        for what, total in per.items():
            durations[what].append(total)
    print("  browser calls (time per request, calls per request):")
    for what, values in durations.items():
        print(f"    {what:38}{ms(percentile(values, 0.5))}   x{counts[what] / len(rows):.1f}")
    print("  arena events (since the transport was asked):")
    marks: dict[str, list[float]] = defaultdict(list)
    for _, t0, _, arena in rows:
        for name, at in arena:
            marks[name].append(at - t0)
    for name, values in sorted(marks.items(), key=lambda kv: percentile(kv[1], 0.5) or 0):
        print(f"    {name:38}{ms(percentile(values, 0.5))}")


async def profile(args: argparse.Namespace, spare: bool) -> Timeline:
    """`--requests` new chats one at a time on one instance, after a warm-up."""
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    timeline = Timeline()
    async with LocalArena(legacy_protocol=args.legacy) as arena:
        instrument(timeline, arena)
        arena.set_knobs(ttft_ms=args.ttft_ms, tokens_per_s=50)
        async with BrowserDriver(BrowserConfig()) as driver:
            page = (await _open_pages(driver, arena.url, 1))[0]
            transport = ComposeTransport(
                page,
                SiteUi(),
                arena.url,
                Deadlines(60, 60, 300),
                page_load_timeout_s=30,
                max_tabs=lambda: 1,
                spare_tab=spare,
            )
            for n in range(4):  # warm-up
                await one(transport, model, 90_000 + n, timeline)
            timeline.rows.clear()
            for n in range(args.requests):
                await one(transport, model, n, timeline)
            await page.close()
    return timeline


async def main(args: argparse.Namespace) -> None:
    site = "2025" if args.legacy else "2026"
    for spare in (False, True):
        timeline = await profile(args, spare)
        report(timeline, f"compose on the {site} arena, spare tab {'on' if spare else 'off'}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--ttft-ms", type=int, default=50)
    p.add_argument("--legacy", action="store_true", help="the 2025 arena (no token)")
    asyncio.run(main(p.parse_args()))

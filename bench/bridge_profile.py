"""Where the bridge's TTFT goes beyond the relay: one streamed completion at a time through
the real bridge (`fetch`, 2025 arena), marked at each layer on one clock. Prints only.

    python3 bench/bridge_profile.py [--requests 40] [--ttft-ms 50]

Legs, p50 over the requests (the client is raw httpx reading SSE lines, so its own cost is
small; bench/transports.py's `bridge fetch` row uses the openai SDK, and the difference
between the two TTFTs is the SDK's share):

- in: the client sends -> the bridge's ASGI app has the request;
- http: ASGI -> the fetch transport opens (middlewares, validation, submit, queue, lease);
- out: transport -> the arena starts its response (relay_profile.py splits it further);
- arena: the arena's own time to its first `a0:` line;
- back: that line -> Python has the relay's batch with it;
- up: the batch -> the first content chunk is built for SSE (parse, fold, shape, and the
  HTTP response start: it starts with the first output);
- sse: that chunk -> the client has the line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MODEL, PROMPT, ms  # noqa: E402
from relay_profile import MARKS, TAKEN, _mark_arena, _mark_taken  # noqa: E402

from modules.browser.transport_fetch import FetchTransport  # noqa: E402
from modules.http import chat_stream  # noqa: E402
from modules.http.security_headers import SecurityHeaders  # noqa: E402
from modules.observability.quantiles import percentile  # noqa: E402
from tests.e2e.harness import running_bridge  # noqa: E402

NOW: dict[str, float] = {}  # marks of the request in flight (one at a time)
LEGS = ("in", "http", "out", "arena", "back", "up", "sse", "TTFT")


def _first(name: str) -> None:
    NOW.setdefault(name, time.perf_counter())


def _mark_bridge() -> None:
    """Mark the request at the ASGI app, the transport and its first content chunk."""
    asgi, opening, sse = SecurityHeaders.__call__, FetchTransport.open, chat_stream._sse

    async def at_asgi(self: SecurityHeaders, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/chat/completions":
            _first("asgi")
        await asgi(self, scope, receive, send)

    async def at_open(self: FetchTransport, send: Any) -> Any:
        _first("open")
        return await opening(self, send)

    def at_sse(payload: tuple[str | None, dict[str, Any]]) -> Any:
        choices = payload[1].get("choices") or [{}]
        if choices[0].get("delta", {}).get("content"):
            _first("sse")
        return sse(payload)

    SecurityHeaders.__call__ = at_asgi  # type: ignore[method-assign]
    FetchTransport.open = at_open  # type: ignore[method-assign]
    chat_stream._sse = at_sse


async def one(http: Any, n: int) -> list[float]:
    NOW.clear()
    MARKS.clear()
    TAKEN.clear()
    body = {
        "model": MODEL,
        "stream": True,
        "messages": [{"role": "user", "content": PROMPT.format(n=n)}],
    }
    t0 = time.perf_counter()
    first = None
    async with http.stream("POST", "/v1/chat/completions", json=body) as r:
        async for line in r.aiter_lines():
            if first is None and '"content":"' in line and '"role"' not in line:
                first = time.perf_counter()
    assert first is not None, "no content"
    arena = MARKS[0]
    points = [t0, NOW["asgi"], NOW["open"], arena["start"]]
    legs = [b - a for a, b in zip(points, points[1:], strict=False)]
    legs += [arena["a0"] - arena["start"], TAKEN[0] - arena["a0"]]
    return [*legs, NOW["sse"] - TAKEN[0], first - NOW["sse"], first - t0]


async def main(args: argparse.Namespace) -> None:
    _mark_arena()
    _mark_taken()
    _mark_bridge()
    with tempfile.TemporaryDirectory() as folder:
        async with running_bridge(
            Path(folder),
            instances=1,
            legacy=True,
            arena_knobs={"tokens_per_s": 50, "ttft_ms": args.ttft_ms},
            arena={"transport": "fetch"},
            balancer={"affinity": {"enabled": False}},
            health={"interval_s": 30},
        ) as bridge:
            for n in range(4):  # warm-up
                await one(bridge.http, 50_000 + n)
            rows = [await one(bridge.http, n) for n in range(args.requests)]
    print("bridge fetch, one request at a time, p50 ms:")
    print(
        "  ".join(
            f"{name} {ms(percentile([r[i] for r in rows], 0.5)).strip()}"
            for i, name in enumerate(LEGS)
        )
    )


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--requests", type=int, default=40)
    p.add_argument("--ttft-ms", type=int, default=50)
    asyncio.run(main(p.parse_args()))

"""What the benches share: the load driver, sessions handed out fairly, and streamed
requests through the bridge or straight to the arena, each timed to its first text."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import deque
from dataclasses import dataclass, field

import httpx

from modules.local_arena.catalog import MODELS
from modules.upstream import protocol
from modules.upstream.body import ChatTurn, body_to_text, build_create_evaluation
from modules.upstream.models import ArenaModel
from tests.e2e.harness import Bridge

MODEL = "local-echo-1"
PROMPT = "how long is a river measured in bridges {n}"


@dataclass
class Run:
    """Samples of one measured phase."""

    wall_s: float = 0.0
    ttft: list[float] = field(default_factory=list)
    head: list[float] = field(default_factory=list)  # response head, where it is seen
    starts: list[float] = field(default_factory=list)  # perf_counter() at each request start
    total: list[float] = field(default_factory=list)
    instances: list[str] = field(default_factory=list)
    errors: int = 0

    def rps(self) -> float:
        return len(self.total) / self.wall_s if self.wall_s else 0.0


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:8.1f}"


async def drive(count: int, clients: int, one) -> Run:
    """Run `one(n, run)` for n in 0..count-1 with `clients` concurrent workers."""
    run = Run()
    todo = iter(range(count))

    async def worker() -> None:
        for n in todo:
            try:
                await one(n, run)
            except Exception as err:  # counted and shown, never hidden
                run.errors += 1
                print(f"  request {n} failed: {type(err).__name__}: {err}", file=sys.stderr)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    run.wall_s = time.perf_counter() - started
    return run


async def bridge_streamed(bridge: Bridge, count: int, clients: int, offset: int) -> Run:
    async def one(n: int, run: Run) -> None:
        t0 = time.perf_counter()
        stream = await bridge.client.chat.completions.create(
            model=MODEL,
            stream=True,
            messages=[{"role": "user", "content": PROMPT.format(n=offset + n)}],
        )
        first = None
        async for chunk in stream:
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - t0
        run.total.append(time.perf_counter() - t0)
        run.ttft.append(first if first is not None else run.total[-1])

    return await drive(count, clients, one)


class FairPool:
    """Sessions handed out oldest-waiter-first; a releaser never barges ahead of waiters."""

    def __init__(self) -> None:
        self.free: list[httpx.AsyncClient] = []
        self.waiters: deque[asyncio.Future[httpx.AsyncClient]] = deque()

    async def get(self) -> httpx.AsyncClient:
        if self.free and not self.waiters:
            return self.free.pop()
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append(fut)
        return await fut

    def put(self, session: httpx.AsyncClient) -> None:
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                fut.set_result(session)
                return
        self.free.append(session)


async def direct_streamed(
    arena_url: str, sessions: int, count: int, clients: int, offset: int
) -> Run:
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    pool = FairPool()
    opened = []
    for _ in range(sessions):  # one anonymous session per "instance", like the pages get
        session = httpx.AsyncClient(base_url=arena_url, timeout=60)
        (await session.post(protocol.ANONYMOUS_SIGNUP_PATH)).raise_for_status()
        opened.append(session)
        pool.put(session)

    async def one(n: int, run: Run) -> None:
        t0 = time.perf_counter()
        run.starts.append(t0)
        session = await pool.get()  # FIFO, like the bridge's wait queue
        try:
            call = build_create_evaluation([ChatTurn("user", PROMPT.format(n=offset + n))], model)
            first = None
            async with session.stream(
                call.method,
                call.path,
                content=body_to_text(call.body).encode(),
                headers={"Content-Type": "text/plain;charset=UTF-8"},
            ) as r:
                r.raise_for_status()
                run.head.append(time.perf_counter() - t0)
                async for line in r.aiter_lines():
                    if first is None and line.startswith("a0:"):
                        first = time.perf_counter() - t0
            run.total.append(time.perf_counter() - t0)
            run.ttft.append(first if first is not None else run.total[-1])
        finally:
            pool.put(session)

    try:
        return await drive(count, clients, one)
    finally:
        for session in opened:
            await session.aclose()

"""Fakes at the bridge's seams, shared by the unit tests (the httpx `MockTransport` idea).

`ScriptedTransport` stands where the page's `fetch` transport stands: each `open()` plays
the next scripted `Reply` (status + body, lines with pauses, a stall, a cut, an error).
`FakeLauncher` gives every instance a `FakePage` and its own scripted transport, so the
pool, dispatcher, runner and health monitor run for real, in milliseconds, with no browser.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from modules.browser.transport import ResponseHead, SendRequest
from modules.config import BridgeConfig
from modules.errors import NeedsAttention
from modules.pool.instance import Instance
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from modules.upstream.protocol import AUTH_COOKIE
from modules.util.event_bus import EventBus
from tests.support.polling import wait_for

FINISH_LINE = 'ad:{"finishReason":"stop"}\n'


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait this long before the next step (a slow token)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Stall:
    """Send nothing more and never end, until the stream is closed or cancelled."""


@dataclass(frozen=True, slots=True)
class Raise:
    """Fail while reading (a broken page, an idle timeout)."""

    error: BaseException


Step = str | Pause | Stall | Raise


@dataclass(frozen=True, slots=True)
class Reply:
    """One scripted upstream answer."""

    status: int = 200
    steps: tuple[Step, ...] = ()
    retry_after: str | None = None
    open_error: BaseException | None = None  # open() itself raises this
    open_delay_s: float = 0.0


def line(kind: str, value: object, participant: str = "a") -> str:
    """One stream line, e.g. line("0", "hi") -> 'a0:"hi"\\n'."""
    return f"{participant}{kind}:{json.dumps(value)}\n"


def answer(*texts: str, pause_s: float = 0.0) -> Reply:
    """A clean stream: one a0: line per text, then the finish line."""
    steps: list[Step] = []
    for text in texts:
        steps += [Pause(pause_s), line("0", text)] if pause_s else [line("0", text)]
    return Reply(200, (*steps, FINISH_LINE))


def failure(status: int, body: str = '{"error":"failed"}', retry_after: str | None = None) -> Reply:
    """A non-2xx answer with its body."""
    return Reply(status, (body,), retry_after)


def cut(*texts: str) -> Reply:
    """Text lines, then the connection ends without a finish line."""
    return Reply(200, tuple(line("0", t) for t in texts))


def stall(*texts: str) -> Reply:
    """Text lines, then silence until closed."""
    return Reply(200, (*(line("0", t) for t in texts), Stall()))


def broken(error: BaseException, *texts: str) -> Reply:
    """Text lines, then `error` raised while reading (before any text when none given)."""
    return Reply(200, (*(line("0", t) for t in texts), Raise(error)))


class ScriptedStream:
    """Plays one Reply; `closed` tells whether the bridge aborted it."""

    def __init__(self, reply: Reply, evaluation_id: str, continued: bool = False) -> None:
        self.head = ResponseHead(reply.status, reply.retry_after, "text/plain")
        self.evaluation_id: str | None = evaluation_id
        self.continued = continued
        self._steps = reply.steps
        self._closed = asyncio.Event()
        self.finished = False  # every step was played

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    async def chunks(self) -> AsyncGenerator[str, None]:
        for step in self._steps:
            if self.closed:
                return
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Stall):
                await self._closed.wait()
                return
            elif isinstance(step, Raise):
                raise step.error
            else:
                yield step
        self.finished = True

    async def aclose(self) -> None:
        self._closed.set()


class ScriptedTransport:
    """Each open() plays the next scripted Reply, then `default` for ever."""

    name = "scripted"

    def __init__(self, *replies: Reply, default: Reply | None = None) -> None:
        self._replies: deque[Reply] = deque(replies)
        self.default = default or answer("ok")
        self.sent: list[SendRequest] = []
        self.streams: list[ScriptedStream] = []
        self._ids = itertools.count(1)

    def script(self, *replies: Reply) -> None:
        """Queue more replies after the ones not yet played."""
        self._replies.extend(replies)

    async def open(self, send: SendRequest) -> ScriptedStream:
        self.sent.append(send)
        reply = self._replies.popleft() if self._replies else self.default
        if reply.open_delay_s:
            await asyncio.sleep(reply.open_delay_s)
        if reply.open_error is not None:
            raise reply.open_error
        evaluation = send.continue_evaluation_id or f"eval-{next(self._ids)}"
        stream = ScriptedStream(reply, evaluation, send.continue_evaluation_id is not None)
        self.streams.append(stream)
        return stream


@dataclass
class FakePage:
    """The parts of a PageSession the pool and the health monitor use, scripted."""

    owner: str = ""
    alive: bool = True
    host: Any = None
    probe_result: dict[str, Any] = field(
        default_factory=lambda: {"status": 200, "challenge": False, "error": None}
    )
    probe_error: BaseException | None = None
    jar: dict[str, str] = field(default_factory=lambda: {AUTH_COOKIE: "base64-e30="})
    memory_mb: float | None = None
    probes: int = 0

    async def probe(self, markers: Any, timeout_s: float, path: str = "") -> dict[str, Any]:
        self.probes += 1
        if self.probe_error is not None:
            raise self.probe_error
        return dict(self.probe_result)

    async def cookies(self) -> dict[str, str]:
        return dict(self.jar)

    async def renderer_memory_mb(self) -> float | None:
        return self.memory_mb

    async def close(self) -> None:
        self.alive = False


class FakeLauncher:
    """Opens instances on fake pages with scripted transports; records every start."""

    def __init__(self) -> None:
        self.fail = False
        self.challenge = False
        self.reload_ok = True
        self.opened: list[str] = []
        self.states: list[dict[str, Any] | None] = []  # the saved identity each start got
        self.closed: list[str] = []
        self.gate: asyncio.Event | None = None
        self.transports: dict[str, ScriptedTransport] = {}

    def transport(self, instance_id: str) -> ScriptedTransport:
        """The scripted transport of an instance (made on first use, script it before start)."""
        return self.transports.setdefault(instance_id, ScriptedTransport())

    async def open(self, inst: Instance, storage_state: dict[str, Any] | None = None) -> None:
        self.opened.append(inst.id)
        self.states.append(storage_state)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("browser has been closed")
        inst.attach(FakePage(owner=inst.id), self.transport(inst.id), "fake")  # type: ignore[arg-type]
        if self.challenge:
            raise NeedsAttention("challenge page", instance_id=inst.id)

    async def reload(self, inst: Instance) -> bool:
        return self.reload_ok

    async def close(self, inst: Instance) -> None:
        if inst.page is not None:
            self.closed.append(inst.id)
        inst.detach()


def make_config(**sections: dict[str, Any]) -> BridgeConfig:
    """A BridgeConfig with some sections overridden."""
    return BridgeConfig.model_validate(sections)


def make_pool(
    launcher: FakeLauncher, *, instances: int, spares: int = 0, **sections: dict[str, Any]
) -> Pool:
    """A Pool over the fake launcher (not started: call ensure_size())."""
    pool_section = {
        "initial_instances": instances,
        "warm_spares": spares,
        **sections.pop("pool", {}),
    }
    # Unpaced unless a test asks: the real site's 45 s between sends would stall every test.
    sections.setdefault("pacing", {"enabled": False})
    config = make_config(pool=pool_section, **sections)
    return Pool(config, launcher, EventBus(), seed=7)  # type: ignore[arg-type]


async def ready_pool(launcher: FakeLauncher, instances: int, **sections: dict[str, Any]) -> Pool:
    """A started pool with `instances` usable instances."""
    pool = make_pool(launcher, instances=instances, **sections)
    pool.ensure_size()
    await wait_for(lambda: pool.usable_count() == instances, 2, "instances ready")
    return pool


def by_state(pool: Pool, state: State) -> list[Instance]:
    """Instances whose stored state is `state`, in id order."""
    return sorted(
        (i for i in pool.instances.values() if i.base_state is state), key=lambda i: i.seq
    )


def make_job(
    text: str = "hello",
    *,
    stream: bool = False,
    records: list[Any] | None = None,
    history: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> Any:
    """A ChatJob for (role, text) `history` then one user message; records land in `records`."""
    from modules.openai_api.schema import validate_request
    from modules.service.chat_job import ChatJob
    from modules.upstream.body import ChatTurn
    from modules.upstream.models import ArenaModel

    messages = [*history, ("user", text)]
    request = validate_request(
        {
            "model": "m-1",
            "stream": stream,
            "messages": [{"role": role, "content": content} for role, content in messages],
        }
    )
    sink = records if records is not None else []
    model = ArenaModel("00000000-0000-0000-0000-000000000001", "m-1", "org")
    turns = [ChatTurn(role, content) for role, content in messages]  # type: ignore[arg-type]
    return ChatJob(request, model, turns, on_finish=sink.append)

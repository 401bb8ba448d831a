"""The streamed response: paced `<prefix>:<json>` lines and injected stream faults."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..upstream import protocol

PARTICIPANT = protocol.PARTICIPANTS[0]
_END = {"type": "http.response.body", "body": b"", "more_body": False}


class ConnectionCut(Exception):
    """Raised inside a started response so the server drops the connection mid-body."""


class QuietCuts(logging.Filter):
    """Drop the server's traceback for cuts we made on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionCut)


def quiet_cuts(logger_name: str = "uvicorn.error") -> None:
    """Install QuietCuts on the server's error logger once."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, QuietCuts) for f in logger.filters):
        logger.addFilter(QuietCuts())


def line(kind: str, payload: Any, participant: str = PARTICIPANT) -> bytes:
    """One stream line, compact like JSON.stringify; raw UTF-8, newlines escaped by JSON."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"{participant}{kind}:{data}\n".encode()


@dataclass
class Participant:
    """What one participant (`a`, or `b` in battles) streams."""

    letter: str
    text: list[str]
    reasoning: list[str] = field(default_factory=list)
    extras: list[bytes] = field(default_factory=list)  # x2:/xc: lines after the text
    finish: dict[str, Any] = field(default_factory=lambda: {"finishReason": "stop"})


@dataclass
class StreamPlan:
    """What one response will send, how fast, and where it breaks.

    Participants' lines interleave token by token; faults count rounds (one token each).
    """

    participants: list[Participant]
    ttft_s: float = 0.05
    interval_s: float = 0.02
    error_after: int | None = None
    error_message: str = protocol.ERROR_RESOURCE_EXHAUSTED
    stall_after: int | None = None
    cut_after: int | None = None


class ArenaStream(Response):
    """Streams a StreamPlan; ends early when the client goes away."""

    media_type = "text/plain; charset=utf-8"

    def __init__(self, plan: StreamPlan, closing: asyncio.Event, on_close: Callable[[], None]):
        super().__init__(status_code=200)
        # No content-length: the body is chunked and its length unknown up front.
        self.raw_headers = [
            (b"content-type", self.media_type.encode()),
            (b"cache-control", b"no-cache, no-transform"),
        ]
        self.plan = plan
        self.closing = closing
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            producer = asyncio.create_task(self._produce(send))
            watcher = asyncio.create_task(_wait_for_disconnect(receive))
            done, pending = await asyncio.wait(
                {producer, watcher}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if producer in done:
                producer.result()  # re-raises ConnectionCut
        finally:
            self.on_close()

    async def _produce(self, send: Send) -> None:
        parts = self.plan.participants
        pace = _Pacer(self.plan.ttft_s, self.plan.interval_s)
        thoughts = [(p.letter, p.reasoning) for p in parts]
        for index in range(max(len(tokens) for _, tokens in thoughts)):
            await _round(send, pace, protocol.KIND_REASONING, thoughts, index)
        texts = [(p.letter, p.text) for p in parts]
        rounds = max(len(tokens) for _, tokens in texts)
        for index in range(rounds + 1):
            if await self._fault(send, index, rounds):
                return
            await _round(send, pace, protocol.KIND_TEXT, texts, index)
        tail = [extra for p in parts for extra in p.extras]
        tail += [line(protocol.KIND_FINISH, p.finish, p.letter) for p in parts]
        for chunk in tail:
            await _body(send, chunk)
        await send(_END)

    async def _fault(self, send: Send, sent: int, last: int) -> bool:
        """Inject the fault due after `sent` rounds of text tokens; True when it is over."""
        plan = self.plan
        if plan.cut_after is not None and min(plan.cut_after, last) == sent:
            raise ConnectionCut(f"cut after {sent} tokens")
        if plan.stall_after is not None and min(plan.stall_after, last) == sent:
            await self.closing.wait()  # until the client leaves (watcher) or shutdown
            raise ConnectionCut("arena shutting down during a stall")
        if plan.error_after is not None and min(plan.error_after, last) == sent:
            await _body(send, line(protocol.KIND_ERROR, plan.error_message))
            await send(_END)
            return True
        return False


class _Pacer:
    """Sleeps so the first token comes after ttft and the rest at a fixed rate, without drift."""

    def __init__(self, ttft_s: float, interval_s: float) -> None:
        self.start = time.monotonic() + ttft_s
        self.interval_s = interval_s
        self.count = 0

    async def next(self) -> None:
        due = self.start + self.count * self.interval_s
        self.count += 1
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


async def _round(
    send: Send, pace: _Pacer, kind: str, streams: list[tuple[str, list[str]]], index: int
) -> None:
    """Token `index` of each participant that has one, a before b, each paced."""
    for letter, tokens in streams:
        if index < len(tokens):
            await pace.next()
            await _body(send, line(kind, tokens[index], letter))


async def _body(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass

"""ASGI middleware that reads each request body under a size cap and a deadline, before any
route (or JSON parser) sees it: too big -> 413, too slow -> 408, both OpenAI-shaped.

A client such as httpx or the openai SDK sends its whole body before it reads the answer;
closing on it mid-send resets the connection and the client never sees the 413. So the rest
of a too large body is read and dropped (up to DRAIN_BYTES past the limit, within the same
deadline) before the answer, and the connection stays usable. A longer body is cut off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..errors import BadRequest, BridgeError, PayloadTooLarge, RequestTimeout
from .errors import error_response

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


DRAIN_BYTES = 64 * 1_048_576
"""How far past the limit a body is still read (and dropped) so its client sees the 413."""


class _ClientGone(Exception):
    """The client disconnected before its body was complete."""


class _Oversized(Exception):
    """The body passed the limit; `droppable` bytes of it may still be read to its end."""

    def __init__(self, droppable: int, ended: bool) -> None:
        super().__init__(droppable, ended)
        self.droppable = droppable
        self.ended = ended


class BodyGuard:
    """Buffers the body (at most `max_bytes`, within `timeout_s`), then replays it once."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        try:
            declared = _declared_length(scope)
            if declared is not None and declared > self.max_bytes:
                # Dropped to its end if within reach, else refused on the head alone.
                raise _Oversized(declared if declared <= self._reach else 0, ended=False)
            async with asyncio.timeout_at(deadline):
                body = await self._read(receive)
        except _ClientGone:
            return
        except _Oversized as over:
            ended = over.ended or (
                over.droppable > 0 and await _drain(receive, deadline, over.droppable)
            )
            await _refuse(scope, send, self._too_large(), close=not ended)
            return
        except TimeoutError:
            await _refuse(scope, send, RequestTimeout("The request body came too slowly."))
            return
        except BridgeError as err:
            await _refuse(scope, send, err)
            return
        await self.app(scope, _replay(body, receive), send)

    @property
    def _reach(self) -> int:
        """The longest body read to its end (the rest dropped) to answer 413 cleanly."""
        return self.max_bytes + DRAIN_BYTES

    def _too_large(self) -> PayloadTooLarge:
        limit_mb = self.max_bytes / 1_048_576
        return PayloadTooLarge(
            f"The request body is larger than {limit_mb:g} MB (server.max_body_mb).",
            code="body_too_large",
        )

    async def _read(self, receive: Receive) -> bytes:
        # Counting as chunks arrive: a chunked body declares no length.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone()
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size > self.max_bytes:
                raise _Oversized(self._reach - size, ended=not more)
            chunks.append(chunk)
            if not more:
                return b"".join(chunks)


def _declared_length(scope: MutableMapping[str, Any]) -> int | None:
    """The Content-Length header as a number (None for a chunked body)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise BadRequest("Content-Length is not a number.") from None
    return None


async def _drain(receive: Receive, deadline: float, budget: int) -> bool:
    """Reads and drops the rest of a body; True when it ended within `budget` bytes in time."""
    dropped = 0
    try:
        async with asyncio.timeout_at(deadline):
            while dropped <= budget:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return False
                dropped += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return dropped <= budget
    except TimeoutError:
        pass
    return False


async def _refuse(
    scope: MutableMapping[str, Any], send: Send, err: BridgeError, *, close: bool = True
) -> None:
    # With the body unread the connection cannot be reused: it closes after the answer.
    response = error_response(err, {"Connection": "close"} if close else None)
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that yields the buffered body once, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # e.g. http.disconnect while the answer streams
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

"""ASGI middleware that reads each request body under a size cap and a deadline, before any
route (or JSON parser) sees it: too big -> 413, too slow -> 408, both OpenAI-shaped."""

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


class _ClientGone(Exception):
    """The client disconnected before its body was complete."""


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
        try:
            self._check_declared_length(scope)
            async with asyncio.timeout(self.timeout_s):
                body = await self._read(receive)
        except _ClientGone:
            return
        except TimeoutError:
            await self._refuse(scope, send, RequestTimeout("The request body came too slowly."))
            return
        except BridgeError as err:
            await self._refuse(scope, send, err)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> PayloadTooLarge:
        limit_mb = self.max_bytes / 1_048_576
        return PayloadTooLarge(
            f"The request body is larger than {limit_mb:g} MB (server.max_body_mb).",
            code="body_too_large",
        )

    def _check_declared_length(self, scope: MutableMapping[str, Any]) -> None:
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    raise BadRequest("Content-Length is not a number.") from None
                if declared > self.max_bytes:
                    raise self._too_large()

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
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _refuse(scope: MutableMapping[str, Any], send: Send, err: BridgeError) -> None:
        # The rest of the body is not read, so the connection cannot be reused.
        response = error_response(err, {"Connection": "close"})
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

"""Stamps each request's start time and, when `server.access_log` is on, logs one line per
request when its response has ended (streams included): method, path, status, time,
client tool. Never bodies, prompts, query strings or keys."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..util.clip import clip

log = logging.getLogger("bridge.access")


class AccessLog:
    """Pure ASGI middleware (a streamed body passes through untouched)."""

    def __init__(self, app: ASGIApp, *, enabled: bool) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        scope.setdefault("state", {})["started"] = started
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            if self.enabled:
                log.info("%s", _line(scope, status, time.monotonic() - started))


def _line(scope: Scope, status: int, elapsed_s: float) -> str:
    headers: dict[bytes, Any] = dict(scope.get("headers") or [])
    agent = _printable(headers.get(b"user-agent", b"-").decode("latin-1"))
    client = scope.get("client") or ("-", 0)
    return (
        f'{client[0]} "{scope["method"]} {_printable(scope["path"])}" {status or "-"} '
        f'{elapsed_s * 1000:.0f}ms "{agent}"'
    )


def _printable(text: str) -> str:
    """Cut to 200 characters, quotes and control characters escaped: one honest line each."""
    return clip(text, 200).encode("unicode_escape").decode("ascii").replace('"', '\\"')

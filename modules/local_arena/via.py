"""Which proxy each visitor's requests came through: test proxies name themselves in a
header, and the arena counts, per session, the requests seen with each name ("" = direct)."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

PROXY_HEADER = "x-test-proxy"


class ViaRecorder:
    """ASGI middleware: count each request of a known visitor under the proxy it names."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            _record(scope)
        await self.app(scope, receive, send)


def _record(scope: Scope) -> None:
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    jar: SimpleCookie = SimpleCookie()
    jar.load(headers.get("cookie", ""))
    state: Any = scope["app"].state.arena
    user = state.sessions.user_for({name: morsel.value for name, morsel in jar.items()})
    if user is not None:
        name = headers.get(PROXY_HEADER, "")
        user.via[name] = user.via.get(name, 0) + 1

"""Refuse requests a web page could forge: Host names outside the allow-list (DNS
rebinding) and state-changing requests sent from another origin (CSRF)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi.responses import Response
from starlette.datastructures import Headers

from ..config import ServerConfig
from ..errors import PermissionDenied
from ..util.netaddr import is_loopback
from .body_guard import ASGIApp, Receive, Send
from .errors import error_response

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# name[:port] and nothing else: a list ("a, b"), user info or a path is not a Host.
_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?")


def host_name(host_header: str) -> str | None:
    """The name of a `Host` header value, lower-cased; None when it is not name[:port]."""
    match = _HOST.fullmatch(host_header)
    if match is None or (match.group("port") and int(match.group("port")) > 65535):
        return None
    return match.group("name").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class HostAllowList:
    """Loopback names always; configured public names; IP literals on a public bind.

    An IP literal cannot be rebound: a page that reaches the bridge by its address has the
    bridge's own origin.
    """

    def __init__(self, server: ServerConfig) -> None:
        self._names = frozenset(h.lower().strip() for h in server.public_hosts)
        self._ips = not is_loopback(server.host)

    def allows(self, host_header: str) -> bool:
        name = host_name(host_header)
        if name is None:
            return False
        return is_loopback(name) or name in self._names or (self._ips and _is_ip(name))


def _refuse(message: str, code: str) -> Response:
    return error_response(PermissionDenied(message, code=code))


class OriginGuard:
    """Pure ASGI middleware: every bind checks the Host name, every write its Origin.

    Not @app.middleware("http"): that runs the app in a task of its own and passes each
    streamed chunk through a memory stream, on every request.
    """

    def __init__(self, app: ASGIApp, server: ServerConfig) -> None:
        self.app = app
        self._hosts = HostAllowList(server)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        refusal = self._refusal(scope) if scope["type"] == "http" else None
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: MutableMapping[str, Any]) -> Response | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self._hosts.allows(host):
            return _refuse(
                "This bridge does not answer to that host name (server.public_hosts).",
                "foreign_host",
            )
        origin = headers.get("origin")
        if scope["method"] not in _SAFE_METHODS and origin is not None:
            parts = urlsplit(origin)
            if origin == "null" or parts.netloc.lower() != host.lower():
                return _refuse("Cross-origin requests are not accepted.", "cross_origin")
        return None

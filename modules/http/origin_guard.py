"""Refuse requests a web page could forge: Host names outside the allow-list (DNS
rebinding) and state-changing requests sent from another origin (CSRF)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ..config import ServerConfig
from ..errors import PermissionDenied
from ..util.netaddr import is_loopback
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


def install_origin_guard(app: FastAPI, server: ServerConfig) -> None:
    """Add the middleware: every bind checks the Host name, every write its Origin."""
    hosts = HostAllowList(server)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        host = request.headers.get("host", "")
        if not hosts.allows(host):
            return _refuse(
                "This bridge does not answer to that host name (server.public_hosts).",
                "foreign_host",
            )
        origin = request.headers.get("origin")
        if request.method not in _SAFE_METHODS and origin is not None:
            parts = urlsplit(origin)
            if origin == "null" or parts.netloc.lower() != host.lower():
                return _refuse("Cross-origin requests are not accepted.", "cross_origin")
        return await call_next(request)

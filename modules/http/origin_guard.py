"""Refuse requests a web page could forge: foreign Host names (DNS rebinding) when bound
to loopback, and state-changing requests sent from another origin (CSRF)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ..config import BridgeConfig
from ..errors import PermissionDenied
from ..util.netaddr import is_loopback
from .errors import error_response

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _host_name(host_header: str) -> str:
    return urlsplit(f"//{host_header}").hostname or ""


def _refuse(message: str, code: str) -> Response:
    return error_response(PermissionDenied(message, code=code))


def install_origin_guard(app: FastAPI, config: BridgeConfig) -> None:
    """Add the middleware; a public bind (with keys) accepts any Host name."""
    loopback_only = is_loopback(config.server.host)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        host = request.headers.get("host", "")
        if loopback_only and not is_loopback(_host_name(host)):
            return _refuse("This bridge answers only to localhost names.", "foreign_host")
        origin = request.headers.get("origin")
        if request.method not in _SAFE_METHODS and origin is not None:
            parts = urlsplit(origin)
            if origin == "null" or parts.netloc.lower() != host.lower():
                return _refuse("Cross-origin requests are not accepted.", "cross_origin")
        return await call_next(request)

"""The uvicorn server as the bridge runs it: limits and deadlines for slow or many clients."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import ServerConfig

log = logging.getLogger(__name__)


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for each request's head (slowloris).

    uvicorn closes idle keep-alive connections, but one that has sent a byte of a request
    may trickle the rest for ever; this closes it once `header_timeout_s` has passed.
    """

    header_timeout_s = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is complete
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:  # waiting for the next request's head
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(self.header_timeout_s, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.debug("closing a connection that sent no complete request head in time")
            self.transport.close()


def uvicorn_config(app: Any, server: ServerConfig, **overrides: Any) -> uvicorn.Config:
    """uvicorn.Config with the server.* limits; `overrides` (host, port, ...) win."""
    protocol = type(
        "BridgeH11Protocol", (DeadlineH11Protocol,), {"header_timeout_s": server.header_timeout_s}
    )
    options: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "http": protocol,
        "timeout_keep_alive": max(1, round(server.keep_alive_s)),
        "h11_max_incomplete_event_size": server.max_header_kb * 1024,
        "limit_concurrency": server.limit_concurrency,
        # Forwarded headers are believed only behind a declared proxy, only from it.
        "proxy_headers": server.behind_proxy,
        "forwarded_allow_ips": server.forwarded_allow_ips,
        "log_level": "warning",
        # uvicorn's lines go through the bridge's handlers (text or JSON, secrets masked,
        # the console's ring buffer) instead of uvicorn's own stderr handler.
        "log_config": None,
        **overrides,
    }
    return uvicorn.Config(app, **options)

"""`LocalArena`: run an arena on a free loopback port inside the current event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from types import TracebackType
from typing import Any, cast

import uvicorn

from .app import create_arena_app
from .knobs import Knobs
from .state import ArenaSettings, ArenaState

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the program embedding it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class LocalArena:
    """Async context manager: a real uvicorn serving an arena; `.url` once entered."""

    def __init__(
        self,
        settings: ArenaSettings | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        legacy_protocol: bool | None = None,
    ) -> None:
        settings = settings or ArenaSettings()
        if legacy_protocol is not None:  # a start knob, so {"reset": true} keeps it
            knobs = settings.knobs.model_copy(update={"legacy_protocol": legacy_protocol})
            settings = settings.model_copy(update={"knobs": knobs})
        self.settings = settings
        self.host = host
        self.port = port
        self.app = create_arena_app(self.settings)
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def state(self) -> ArenaState:
        """The running arena's state (sessions, counters, recorded requests)."""
        return cast(ArenaState, self.app.state.arena)

    @property
    def knobs(self) -> Knobs:
        """The knobs in force now."""
        return self.state.knobs

    def set_knobs(self, **partial: Any) -> Knobs:
        """Merge a partial update, like POST /_control; `reset=True` restores the start knobs."""
        return self.state.update_knobs(partial)

    async def __aenter__(self) -> LocalArena:
        # Bind first so the port is known and free before the server starts.
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and
        # without it every response body waited ~40 ms for a delayed ACK (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._socket, self.port = sock, sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            log_config=None,  # leave the host program's logging alone
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="local-arena")
        try:
            await self._wait_started()
        except BaseException:
            await self._stop()
            raise
        return self

    async def _wait_started(self) -> None:
        assert self._server is not None and self._task is not None
        async with asyncio.timeout(_START_TIMEOUT_S):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                    raise RuntimeError("local arena server exited during start-up")
                await asyncio.sleep(0.005)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stop()

    async def _stop(self) -> None:
        """Stop accepting, end stalled streams, wait for the server, then cancel it."""
        self.state.closing.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            try:
                async with asyncio.timeout(_STOP_TIMEOUT_S):
                    await asyncio.shield(self._task)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

"""A tiny forward HTTP proxy on loopback for tests: it names itself in a request header.

Every request it forwards gains `x-test-proxy: <name>`, so the site behind it can tell
which proxy a request came through. With a user and password it asks for them (407 +
Basic challenge), as a real proxy does. Plain http only (no CONNECT); one request per
connection (`Connection: close`), the answer relayed byte for byte as it arrives.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from types import TracebackType
from urllib.parse import urlsplit

from modules.local_arena.via import PROXY_HEADER as HEADER

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te"}
_HEAD_LIMIT = 1 << 20  # long cookies: the arena's session cookie alone is ~3.5 kB


def rewrite_request(head: bytes, name: str) -> tuple[str, int, bytes, int, str | None]:
    """(host, port, origin-form head with our header, body length, Proxy-Authorization)."""
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    url = urlsplit(target)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    headers: list[str] = []
    length, auth = 0, None
    for line in (x for x in lines[1:] if x):
        key, _, value = line.partition(":")
        lowered = key.strip().lower()
        if lowered == "content-length":
            length = int(value.strip())
        if lowered == "proxy-authorization":
            auth = value.strip()
        if lowered not in _HOP_BY_HOP:
            headers.append(line)
    out = [f"{method} {path} {version}", *headers, f"{HEADER}: {name}", "Connection: close"]
    return (
        url.hostname or "",
        url.port or 80,
        ("\r\n".join(out) + "\r\n\r\n").encode(),
        length,
        auth,
    )


def close_response_head(head: bytes) -> bytes:
    """The upstream's response head, told to close the connection after the body."""
    lines = [x for x in head.decode("latin-1").split("\r\n") if x]
    kept = [x for x in lines if x.partition(":")[0].strip().lower() not in _HOP_BY_HOP]
    return ("\r\n".join([*kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


class TaggingProxy:
    """Async context manager: the proxy runs on a free loopback port while entered."""

    def __init__(self, name: str, username: str | None = None, password: str | None = None):
        self.name = name
        self.username = username
        self.password = password
        self.forwarded = 0
        self.refused = 0  # requests without the right credentials
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> TaggingProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, limit=_HEAD_LIMIT)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._open):  # connections still relaying (a stalled stream)
            task.cancel()
        await asyncio.gather(*self._open, return_exceptions=True)

    def _authorized(self, auth: str | None) -> bool:
        if self.username is None:
            return True
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return auth == f"Basic {token}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            host, port, request, length, auth = rewrite_request(head, self.name)
            if not self._authorized(auth):
                self.refused += 1
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\n'
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
                await writer.drain()
                return
            body = await reader.readexactly(length) if length else b""
            self.forwarded += 1
            await self._relay(host, port, request + body, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass  # the browser went away or sent something this proxy does not speak
        finally:
            self._open.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _relay(
        self, host: str, port: int, request: bytes, writer: asyncio.StreamWriter
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection(host, port, limit=_HEAD_LIMIT)
        try:
            up_writer.write(request)
            await up_writer.drain()
            writer.write(close_response_head(await up_reader.readuntil(b"\r\n\r\n")))
            while chunk := await up_reader.read(65536):  # streamed answers pass as they come
                writer.write(chunk)
                await writer.drain()
        finally:
            up_writer.close()
            with contextlib.suppress(ConnectionError):
                await up_writer.wait_closed()

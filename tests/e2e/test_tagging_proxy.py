"""The test proxy itself: it forwards, names itself, asks for credentials, streams."""

from __future__ import annotations

import asyncio
import json

import httpx

from tests.e2e.tagging_proxy import HEADER, TaggingProxy


async def _echo_server() -> asyncio.Server:
    """Answers every request with its headers as JSON, in two chunks (a stream)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        lines = head.split("\r\n")
        headers = dict(x.split(": ", 1) for x in lines[1:] if x)
        length = int(headers.get("Content-Length", headers.get("content-length", "0")))
        body = (await reader.readexactly(length)).decode() if length else ""
        data = json.dumps({"line": lines[0], "headers": headers, "body": body}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
        )
        half = len(data) // 2
        for part in (data[:half], data[half:]):
            writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_requests_pass_through_named_and_authenticated() -> None:
    server = await _echo_server()
    port = server.sockets[0].getsockname()[1]
    try:
        async with TaggingProxy("alpha", "user", "s3cret") as proxy:
            anonymous = httpx.AsyncClient(proxy=proxy.url)
            r = await anonymous.get(f"http://127.0.0.1:{port}/x")
            assert r.status_code == 407 and proxy.refused == 1
            await anonymous.aclose()
            url = f"http://user:s3cret@127.0.0.1:{proxy.port}"
            async with httpx.AsyncClient(proxy=url) as client:
                r = await client.post(f"http://127.0.0.1:{port}/p?q=1", content=b"hello")
            seen = r.json()
            assert seen["line"] == "POST /p?q=1 HTTP/1.1" and seen["body"] == "hello"
            assert seen["headers"][HEADER] == "alpha"
            assert "Proxy-Authorization" not in seen["headers"]
            assert proxy.forwarded == 1 and r.headers["connection"] == "close"
    finally:
        server.close()
        await server.wait_closed()

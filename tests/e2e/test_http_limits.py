"""The HTTP edge holds under hostile input: size caps, slow clients, deep JSON, strict types,
framing headers (real uvicorn on a socket, as start.py configures it)."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import httpx
import openai
import pytest

from modules.http.body_guard import DRAIN_BYTES
from tests.e2e.harness import Bridge, running_bridge

MB = 1_048_576


def _port(bridge: Bridge) -> int:
    return int(bridge.base_url.rsplit(":", 1)[1])


def _assert_openai_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text[:300]
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    if code is not None:
        assert error["code"] == code, error


async def _raw(port: int, data: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    return reader, writer


async def test_bodies_over_the_limit_are_refused_before_they_are_read(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0, server={"max_body_mb": 1}) as bridge:
        port = _port(bridge)
        # A declared length too far over the limit to drain: refused on the head alone.
        head = b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n"
        reader, writer = await _raw(port, head % (1 * MB + DRAIN_BYTES + 1))
        answer = await asyncio.wait_for(reader.read(), 5)  # and the connection closes
        _assert_raw_413(answer)
        writer.close()
        # Over the limit but within reach: the rest is read and dropped, the client gets
        # the 413 and the connection stays usable, for a declared and a chunked length.
        reader, writer = await _raw(port, head % (3 * MB) + b"x" * 3 * MB)
        _assert_raw_413(await _response(reader))
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
        chunked = (
            b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        writer.write(chunked + chunk * 17 + b"0\r\n\r\n")  # 1.06 MB
        _assert_raw_413(await _response(reader))
        writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (await _response(reader)).startswith(b"HTTP/1.1 200"), "connection reused"
        writer.close()
        small = await bridge.http.post("/api/login", json={"key": "x" * 1000})
        assert small.status_code != 413
        # A body within the limit still reaches the route in one piece.
        deep = "[" * 100_000 + "]" * 100_000
        nested = await bridge.http.post("/v1/chat/completions", content=deep)
        _assert_openai_error(nested, 400)
        settings = await bridge.http.put("/api/settings", content=deep)
        _assert_openai_error(settings, 400)


async def test_the_openai_sdk_reads_the_413_of_a_too_long_prompt(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0, server={"max_body_mb": 1}) as bridge:
        prompt = [{"role": "user", "content": "x" * 20 * MB}]  # past what socket buffers hold
        with pytest.raises(openai.APIStatusError) as caught:
            await bridge.client.chat.completions.create(model="any", messages=prompt)
        assert caught.value.status_code == 413
        assert caught.value.code == "body_too_large"
        assert "server.max_body_mb" in caught.value.message


def _assert_raw_413(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(body)["error"]["code"] == "body_too_large"


async def _response(reader: asyncio.StreamReader) -> bytes:
    """One whole response (head and Content-Length body) read off a kept-alive connection."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await asyncio.wait_for(reader.readexactly(length), 5)


async def test_slow_clients_are_cut_off(tmp_path) -> None:
    server = {"header_timeout_s": 1, "body_timeout_s": 1, "limit_concurrency": 8}
    async with running_bridge(tmp_path, instances=0, server=server) as bridge:
        port = _port(bridge)
        # Half a request head, then silence: closed after header_timeout_s.
        reader, writer = await _raw(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), 5) == b""
        assert time.monotonic() - started < 3
        writer.close()
        # A full head, then a body that never completes: 408 after body_timeout_s.
        head = b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"
        reader, writer = await _raw(port, head)
        answer = await asyncio.wait_for(reader.read(), 5)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        writer.close()
        # Connections beyond limit_concurrency get 503 at once.
        idle = [await _raw(port, b"") for _ in range(8)]
        busy = await bridge.http.get("/health")
        assert busy.status_code == 503
        for _, w in idle:
            w.close()


async def test_gui_and_api_answers_forbid_framing(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=0) as bridge:
        for path in ("/", "/health", "/js/app.js", "/nope"):
            r = await bridge.http.get(path)
            assert r.headers["x-frame-options"] == "DENY", path
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
            assert r.headers["x-content-type-options"] == "nosniff"


def _image(size: int) -> dict[str, object]:
    data = base64.b64encode(b"\x89PNG" + b"\0" * size).decode()
    return {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}}


async def test_requests_are_validated_strictly_and_images_capped(tmp_path) -> None:
    arena = {"max_image_mb": 1, "max_images_mb": 1.5}
    async with running_bridge(tmp_path, instances=1, arena=arena) as bridge:
        model = await bridge.model()
        base = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
        for field, value in (("stream", "yes"), ("n", "1"), ("temperature", "0.5")):
            r = await bridge.http.post("/v1/chat/completions", json={**base, field: value})
            _assert_openai_error(r, 400)
            assert r.json()["error"]["param"] == field
        long_name = "m" * MB
        unknown = await bridge.http.get(f"/v1/models/{long_name[:12_000]}")  # head < 16 KB
        _assert_openai_error(unknown, 404, "model_not_found")
        assert len(unknown.content) < 1000
        r = await bridge.http.post("/v1/chat/completions", json={**base, "model": long_name})
        _assert_openai_error(r, 400)
        assert len(r.content) < 1000

        vision = {"model": "local-echo-large"}
        big = [{"role": "user", "content": [{"type": "text", "text": "see"}, _image(MB + 10)]}]
        r = await bridge.http.post("/v1/chat/completions", json={**vision, "messages": big})
        _assert_openai_error(r, 413, "image_too_large")
        two = [{"role": "user", "content": [_image(MB - 10), _image(MB - 10)]}]
        r = await bridge.http.post("/v1/chat/completions", json={**vision, "messages": two})
        _assert_openai_error(r, 413, "images_too_large")
        small = [{"role": "user", "content": [{"type": "text", "text": "see"}, _image(1000)]}]
        r = await bridge.http.post("/v1/chat/completions", json={**vision, "messages": small})
        assert r.status_code == 200, r.text
        assert json.loads(r.text)["choices"][0]["message"]["content"]

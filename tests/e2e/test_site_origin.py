"""The site's address: `arena.url` may redirect (the old host does, to https://arena.ai);
the origin the page lands on is the one every call goes to, with either transport. And the
2025 site (`legacy_protocol`) keeps the `fetch` transport working."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from modules.local_arena import expected_reply
from modules.upstream import protocol
from tests.e2e.harness import running_bridge, wait_for
from tests.e2e.pool_helpers import body, sse_data, streamed_text


class Redirector:
    """An old host: answers every request with 307 to the same path on `target`, once set."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (method, path)
        self.target = ""
        self._ready = asyncio.Event()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    def point_at(self, target: str) -> None:
        self.target = target
        self._ready.set()

    async def __aenter__(self) -> Redirector:
        self._server = await asyncio.start_server(self._answer, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, path = head.decode("latin-1").split(" ")[:2]
        self.seen.append((method, path))
        await self._ready.wait()  # the arena's address is known once the bridge is up
        writer.write(
            f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {self.target}{path}\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()


@pytest.mark.parametrize("legacy", [False, True], ids=["compose-2026", "fetch-2025"])
async def test_every_call_goes_to_the_origin_the_page_landed_on(tmp_path, legacy: bool) -> None:
    async with (
        Redirector() as old_host,
        running_bridge(
            tmp_path, instances=1, wait_ready=0, legacy=legacy, arena={"url": old_host.url}
        ) as bridge,
    ):
        old_host.point_at(bridge.arena.url)
        await wait_for(lambda: bridge.coordinator.pool.usable_count() == 1, 60, "instance ready")
        instance = (await bridge.instances())[0]
        assert instance["transport"] == ("fetch" if legacy else "compose")
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "moved house"))
        assert r.status_code == 200
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(model, "moved house")
        assert [p["path"] for p in bridge.arena.state.recorded] == [protocol.CREATE_EVALUATION_PATH]
        assert old_host.seen == [("GET", "/")]  # only the first page load; no send went there


async def test_the_2025_site_keeps_fetch_working(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=True) as bridge:
        assert [i["transport"] for i in await bridge.instances()] == ["fetch"]  # no token gate
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "plain fetch"))
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(model, "plain fetch")
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, "streamed fetch", stream=True)
        ) as s:
            payloads = sse_data([line async for line in s.aiter_lines()])
        assert streamed_text(payloads) == expected_reply(model, "streamed fetch")
        sent: list[dict[str, Any]] = [r["body"] for r in bridge.arena.state.recorded]
        assert [b["mode"] for b in sent] == [protocol.MODE_DIRECT] * 2  # the bridge's own body
        assert [b["messages"][-2]["content"] for b in sent] == ["plain fetch", "streamed fetch"]
        assert not any(b[protocol.PAGE_TOKEN_FIELD] for b in sent)  # no token, none needed

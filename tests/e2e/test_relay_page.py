"""The relay in a real page, below the bridge: the `fetch` transport's one-call start (the
head comes back with it), relay calls over the page's CDP session, a page-side error, an
abort that reaches the site, and page calls cut short when the page crashes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Error as PlaywrightError

from modules.browser.driver import BrowserDriver
from modules.browser.page_session import PageSession
from modules.browser.relay_stream import Deadlines
from modules.browser.transport import SendRequest
from modules.browser.transport_fetch import FetchTransport
from modules.config import BrowserConfig
from modules.errors import InstanceFailed
from modules.local_arena import LocalArena, expected_reply
from modules.local_arena.catalog import MODELS
from modules.upstream.body import ChatTurn
from modules.upstream.events import TextDelta
from modules.upstream.models import ArenaModel
from modules.upstream.parser import StreamParser
from modules.upstream.protocol import AUTH_COOKIE
from tests.e2e.harness import wait_for

MODEL = "local-echo-1"


def send(text: str) -> SendRequest:
    model = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == MODEL))
    assert model is not None
    return SendRequest(model, (ChatTurn("user", text),))


@asynccontextmanager
async def page_on(arena: LocalArena) -> AsyncIterator[PageSession]:
    async with BrowserDriver(BrowserConfig()) as driver:
        session = await PageSession.open("t-1", await driver.host_with_room(), 15)
        try:
            await session.goto(arena.url + "/", 15)
            await session.wait_for_cookie(AUTH_COOKIE, 15)
            yield session
        finally:
            await session.close()


async def test_a_fetch_starts_with_its_head_and_streams_the_reply() -> None:
    async with LocalArena(legacy_protocol=True) as arena, page_on(arena) as session:
        transport = FetchTransport(session, Deadlines(10, 10, 30))
        for text in ("first question", "second question"):  # the page's relay is reused
            stream = await transport.open(send(text))
            assert stream.head.status == 200 and stream.head.content_type.startswith("text/")
            parser = StreamParser()
            events = [e async for chunk in stream.chunks() for e in parser.feed(chunk)]
            reply = "".join(e.text for e in events + parser.finish() if isinstance(e, TextDelta))
            assert reply == expected_reply(MODEL, text)
        assert await session.relay(session.page).call("active", [], "count", 5) == 0


async def test_a_relay_call_the_page_cannot_run_is_instance_failed() -> None:
    async with LocalArena(legacy_protocol=True) as arena, page_on(arena) as session:
        with pytest.raises(InstanceFailed) as caught:
            await session.relay(session.page).call("no_such_call", [1], "odd call", 5)
        assert caught.value.instance_id == "t-1"
        assert "odd call failed" in caught.value.message and "no_such_call" in caught.value.message
        late = await session.relay(session.page).call("next", ["nobody", 10], "read", 5)
        assert late["done"] is True and late["error"] == "unknown stream"


async def test_closing_a_stream_before_its_first_byte_aborts_the_sites_response() -> None:
    async with LocalArena(legacy_protocol=True) as arena, page_on(arena) as session:
        arena.set_knobs(ttft_ms=60_000)  # the head comes at once, the first token never
        stream = await FetchTransport(session, Deadlines(120, 120, 300)).open(send("wait"))
        assert stream.head.status == 200
        await wait_for(lambda: arena.state.active_streams == 1, 5, "the response running")
        await stream.aclose()
        await wait_for(lambda: arena.state.active_streams == 0, 5, "the site saw the abort")


async def test_a_page_call_ends_with_instance_failed_when_the_page_crashes() -> None:
    async with LocalArena(legacy_protocol=True) as arena, page_on(arena) as session:
        pending = asyncio.create_task(
            session.evaluate("() => new Promise(() => {})", what="endless", timeout_s=120)
        )
        relay = session.relay(session.page)
        await relay.call("arm", ["s-1", "/nothing/sends/here/"], "arm", 5)  # no data ever
        poll = asyncio.create_task(relay.call("next", ["s-1", 60_000], "read", 120))
        cdp = await session.context.new_cdp_session(session.page)
        crash = asyncio.create_task(cdp.send("Page.crash"))  # its answer may never come
        for task in (pending, poll):
            with pytest.raises(InstanceFailed) as caught:
                await asyncio.wait_for(task, 10)  # long before their own 120 s deadline
            assert caught.value.instance_id == "t-1"
        await wait_for(lambda: session.failure == "page crashed", 5, "the crash noticed")
        with pytest.raises(InstanceFailed, match="page crashed"):
            await session.evaluate("() => 1")
        crash.cancel()
        with contextlib.suppress(asyncio.CancelledError, PlaywrightError):
            await crash

"""The compose transport against real Chromium and the local arena, on several page layouts:
the page sends, the bridge reads the site's own response; a UI that does not fit fails with
an error naming the `arena.ui` key to fix."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Route

from modules.browser.driver import BrowserDriver
from modules.browser.page_session import PageSession
from modules.browser.relay_stream import Deadlines, RelayStream
from modules.browser.transport import SendRequest
from modules.browser.transport_compose import ComposeTransport
from modules.config import BrowserConfig
from modules.errors import SiteUiMismatch
from modules.local_arena import LocalArena, expected_reply
from modules.local_arena.catalog import MODELS
from modules.upstream.body import Attachment, ChatTurn
from modules.upstream.events import TextDelta
from modules.upstream.models import ArenaModel
from modules.upstream.parser import StreamParser
from modules.upstream.protocol import AUTH_COOKIE, CREATE_EVALUATION_PATH
from modules.upstream.site_ui import SiteUi
from modules.upstream.transcript import render_transcript
from tests.e2e.harness import wait_for
from tests.e2e.ui_pages import layout_html

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake-image-bytes").decode()


def model(name: str = "local-echo-1") -> ArenaModel:
    found = ArenaModel.from_raw(next(m for m in MODELS if m["publicName"] == name))
    assert found is not None
    return found


@dataclass
class Rig:
    arena: LocalArena
    session: PageSession

    def transport(self, layout: str, **ui: Any) -> ComposeTransport:
        adapter = dataclasses.replace(SiteUi(send_timeout_s=1.5, **ui), chat_path=f"/_ui/{layout}")
        return ComposeTransport(
            self.session,
            adapter,
            self.arena.url,
            Deadlines(first_byte_s=5, idle_s=5, total_s=20),
            page_load_timeout_s=2,
            max_tabs=lambda: 2,
        )

    def recorded(self) -> list[dict[str, Any]]:
        return list(self.arena.state.recorded)


@asynccontextmanager
async def rig() -> AsyncIterator[Rig]:
    async with LocalArena(legacy_protocol=True) as arena, BrowserDriver(BrowserConfig()) as driver:
        session = await PageSession.open("t-1", await driver.host_with_room(), 15)
        try:

            async def serve(route: Route) -> None:
                layout = route.request.url.split("/_ui/")[1].split("?")[0]
                await route.fulfill(body=layout_html(layout), content_type="text/html")

            await session.context.route(f"{arena.url}/_ui/**", serve)
            await session.goto(arena.url + "/", 15)  # the arena's own page signs up
            await session.wait_for_cookie(AUTH_COOKIE, 15)
            yield Rig(arena, session)
        finally:
            await session.close()


async def read_text(stream: RelayStream) -> str:
    parser = StreamParser()
    events = [e async for chunk in stream.chunks() for e in parser.feed(chunk)]
    events += parser.finish()
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def user_content(record: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in reversed(record["body"]["messages"]) if m["role"] == "user")


async def test_new_chat_carries_the_transcript_and_a_follow_up_continues_it() -> None:
    async with rig() as r:
        transport = r.transport("plain")
        turns = (
            ChatTurn("system", "be brief"),
            ChatTurn("user", "first"),
            ChatTurn("assistant", "answer one"),
            ChatTurn("user", "second"),
        )
        stream = await transport.open(SendRequest(model(), turns))
        rendered = render_transcript(turns)
        assert await read_text(stream) == expected_reply("local-echo-1", rendered)
        first = r.recorded()[-1]
        assert first["path"] == CREATE_EVALUATION_PATH
        assert user_content(first)["content"] == rendered
        assert stream.evaluation_id == first["body"]["id"] and not stream.continued
        assert transport.holds_chat(first["body"]["id"])

        follow = (*turns, ChatTurn("assistant", "x"), ChatTurn("user", "third"))
        again = await transport.open(SendRequest(model(), follow, stream.evaluation_id))
        assert await read_text(again) == expected_reply("local-echo-1", "third", earlier=1)
        second = r.recorded()[-1]
        assert second["path"].endswith(f"/post-to-evaluation/{first['body']['id']}")
        assert user_content(second)["content"] == "third"
        assert again.continued and again.evaluation_id == first["body"]["id"]


@pytest.mark.parametrize("layout", ["alternate", "editable"])
async def test_the_default_adapter_finds_the_composer_like_a_person(layout: str) -> None:
    async with rig() as r:
        turns = (ChatTurn("user", f"hello from the {layout} page"),)
        stream = await r.transport(layout).open(SendRequest(model(), turns))
        assert await read_text(stream) == expected_reply("local-echo-1", turns[0].text)
        assert user_content(r.recorded()[-1])["content"] == turns[0].text


async def test_images_go_in_through_the_file_input() -> None:
    async with rig() as r:
        url = f"data:image/png;base64,{PNG}"
        turns = (ChatTurn("user", "what is this", (Attachment("cat.png", "image/png", url),)),)
        stream = await r.transport("plain").open(SendRequest(model("local-echo-large"), turns))
        assert await read_text(stream) == expected_reply("local-echo-large", "what is this")
        sent = user_content(r.recorded()[-1])["experimental_attachments"]
        assert [(a["name"], a["contentType"], a["url"]) for a in sent] == [
            ("cat.png", "image/png", url)
        ]


@pytest.mark.parametrize(
    ("layout", "key"),
    [("missing", "arena.ui.composer"), ("renamed", "arena.ui.composer")],
)
async def test_no_composer_names_the_key_to_fix(layout: str, key: str) -> None:
    async with rig() as r:
        with pytest.raises(SiteUiMismatch, match=key.replace(".", r"\.")):
            await r.transport(layout).open(SendRequest(model(), (ChatTurn("user", "hi"),)))
        assert r.recorded() == []


async def test_a_config_edit_fixes_a_renamed_composer() -> None:
    async with rig() as r:
        transport = r.transport("renamed", composer="input[name=msg]")
        stream = await transport.open(SendRequest(model(), (ChatTurn("user", "renamed box"),)))
        assert await read_text(stream) == expected_reply("local-echo-1", "renamed box")


async def test_a_page_that_never_sends_names_the_submit_key() -> None:
    async with rig() as r:
        for layout in ("silent", "button-only"):
            with pytest.raises(SiteUiMismatch, match=r"arena\.ui\.submit"):
                await r.transport(layout).open(SendRequest(model(), (ChatTurn("user", "hi"),)))
        assert r.recorded() == []
        armed = await r.session.evaluate("() => window.__bridgeRelay.active()")
        assert armed == 0  # nothing left waiting for a request that never came


async def test_submit_by_an_icon_only_button() -> None:
    async with rig() as r:
        transport = r.transport("button-only", submit="button")
        stream = await transport.open(SendRequest(model(), (ChatTurn("user", "by button"),)))
        assert await read_text(stream) == expected_reply("local-echo-1", "by button")


async def test_abort_cancels_the_pages_request_and_tabs_serve_in_parallel() -> None:
    async with rig() as r:
        r.arena.set_knobs(tokens_per_s=4)
        transport = r.transport("plain")
        one, two = await asyncio.gather(
            transport.open(SendRequest(model(), (ChatTurn("user", "one two three four five"),))),
            transport.open(SendRequest(model(), (ChatTurn("user", "six seven eight nine ten"),))),
        )
        assert len(r.session.context.pages) == 2  # one composer per request
        await wait_for(lambda: r.arena.state.active_streams == 2, 10, "two streams")
        await one.aclose()
        await two.aclose()
        await wait_for(lambda: r.arena.state.active_streams == 0, 10, "aborted upstream")

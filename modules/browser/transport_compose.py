"""Transport `compose`: the page sends, as for a person; the bridge reads the site's response.

The bridge opens the chat page for the model, puts the message into the site's own
composer and presses Enter. The site's code builds the request and gets its own page
token; the relay's fetch hook tees the response. The bridge never touches the token or
the request body. One composer sends one message at a time, so each concurrent request
of an instance gets its own tab in the instance's context (same identity).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable

from playwright.async_api import Page

from ..errors import BadRequest
from ..upstream.protocol import STREAM_PATH_PREFIX
from ..upstream.site_ui import SiteUi
from ..upstream.transcript import attachment_bytes, render_transcript, transcript_images
from .compose_tabs import ComposeTabs, Tab
from .composer import Composer, ImageFile
from .page_session import PageSession
from .relay_stream import Deadlines, RelayClock, RelayStream, abort_stream
from .transport import SendRequest

log = logging.getLogger(__name__)


class ComposeTransport:
    """Sends through the site's composer; up to `max_tabs()` requests at once, one per tab."""

    name = "compose"

    def __init__(
        self,
        session: PageSession,
        ui: SiteUi,
        origin: str,
        deadlines: Deadlines,
        *,
        page_load_timeout_s: float,
        max_tabs: Callable[[], int],
        spare_tab: bool = False,
    ) -> None:
        self._session = session
        self._ui = ui
        self.origin = origin
        self._deadlines = deadlines
        self._load_s = page_load_timeout_s
        self._tabs = ComposeTabs(session, max_tabs, self._load_chat, spare=spare_tab)

    def holds_chat(self, evaluation_id: str) -> bool:
        """Whether a tab still shows this chat (a follow-up can be typed into it)."""
        return self._tabs.holds_chat(evaluation_id)

    async def _load_chat(self, page: Page, url: str) -> None:
        """Open a new chat page in `page` (a spare) and wait until its composer is usable."""
        composer = Composer(self._session, page, self._ui)
        await self._open_chat(composer, page, url)
        await composer.find(self._load_s)

    async def _open_chat(self, composer: Composer, page: Page, url: str) -> None:
        """Navigate `page` to a new chat; a health probe in flight on it finishes first."""
        if page is self._session.page:  # probes use it; a navigation would cut one short
            async with self._session.navigation:
                await composer.open_chat(url, self._load_s)
        else:
            await composer.open_chat(url, self._load_s)

    async def open(self, send: SendRequest) -> RelayStream:
        url = self._ui.chat_url(self.origin, send.model.public_name, send.matchup)
        tab, continued, fresh = await self._tabs.take(send.continue_evaluation_id, url)
        stream_id = uuid.uuid4().hex[:16]
        try:
            load = None if continued or fresh else url
            stream = await self._send(tab, send, continued, load, stream_id)
        except BaseException:
            self._tabs.release(tab, None)
            if self._session.alive and not tab.page.is_closed():
                await abort_stream(self._session, tab.page, stream_id)
            raise
        stream.continued = continued and stream.evaluation_id == send.continue_evaluation_id
        stream.on_end = lambda ok: self._tabs.release(tab, _chat_of(stream, ok))
        if not continued:  # the next new chat likely wants the same page; load it once
            # this answer's first bytes are in, so the load does not delay them
            refill = functools.partial(self._tabs.refill, url)
            if stream.has_data:  # a fast answer: its bytes came with the head
                refill()
            else:
                stream.on_data = refill
        return stream

    async def _send(
        self, tab: Tab, send: SendRequest, continued: bool, load_url: str | None, stream_id: str
    ) -> RelayStream:
        """Type and send in `tab` (loading `load_url` first, unless None); wait for the head."""
        clock = RelayClock(self._deadlines, self._session.owner)
        turns = send.turns[-1:] if continued else send.turns
        text = turns[0].text if continued else render_transcript(turns)
        # Decoded first: a bad image is the client's error, and nothing has been sent yet.
        images = [
            ImageFile(a.name, a.content_type, attachment_bytes(a)) for a in transcript_images(turns)
        ]
        if not text.strip() and not images:  # a composer sends nothing; never wait for it
            raise BadRequest(
                "The message is empty: the site's composer does not send an empty message.",
                param="messages",
            )
        composer = Composer(self._session, tab.page, self._ui)
        if load_url is not None:
            await self._open_chat(composer, tab.page, load_url)
        box = await composer.find(self._load_s, focus=not images)  # else after attaching
        if images:
            await composer.attach(box, images)
        await self._session.call(
            tab.page.evaluate(
                "([id, p]) => window.__bridgeRelay.arm(id, p)", [stream_id, STREAM_PATH_PREFIX]
            ),
            "arm relay",
        )
        await composer.send(box, text, focused=not images)
        stream = RelayStream(self._session, tab.page, stream_id, clock)
        if not await stream.wait_sent(self._ui.send_timeout_s):
            raise await composer.not_sent(box, self._ui.send_timeout_s)
        await stream.wait_head()
        return stream


def _chat_of(stream: RelayStream, ok: bool) -> str | None:
    """The chat a finished answer leaves continuable in its tab (none after a failure)."""
    return stream.evaluation_id if ok and 200 <= stream.head.status < 300 else None

"""Transport `compose`: the page sends, as for a person; the bridge reads the site's response.

The bridge opens the chat page for the model, puts the message into the site's own
composer and presses Enter. The site's code builds the request and gets its own page
token; the relay's fetch hook tees the response. The bridge never touches the token or
the request body. One composer sends one message at a time, so each concurrent request
of an instance gets its own tab in the instance's context (same identity).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.async_api import Page

from ..errors import BadRequest, InstanceFailed
from ..upstream.protocol import STREAM_PATH_PREFIX
from ..upstream.site_ui import SiteUi
from ..upstream.transcript import attachment_bytes, render_transcript, transcript_images
from .composer import Composer, ImageFile
from .page_session import PageSession
from .relay_stream import Deadlines, RelayClock, RelayStream, abort_stream
from .transport import SendRequest

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Tab:
    """One tab of the instance's context and the chat it shows."""

    page: Page
    busy: bool = False
    chat_id: str | None = None  # the evaluation a follow-up typed here would continue
    used_at: float = field(default_factory=time.monotonic)


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
    ) -> None:
        self._session = session
        self._ui = ui
        self.origin = origin
        self._deadlines = deadlines
        self._load_s = page_load_timeout_s
        self._max_tabs = max_tabs
        self._tabs = [_Tab(session.page)]

    def holds_chat(self, evaluation_id: str) -> bool:
        """Whether a tab still shows this chat (a follow-up can be typed into it)."""
        return any(t.chat_id == evaluation_id for t in self._tabs if not t.page.is_closed())

    async def open(self, send: SendRequest) -> RelayStream:
        tab, continued = await self._take_tab(send.continue_evaluation_id)
        stream_id = uuid.uuid4().hex[:16]
        try:
            stream = await self._send(tab, send, continued, stream_id)
        except BaseException:
            tab.busy, tab.chat_id = False, None
            if self._session.alive and not tab.page.is_closed():
                await abort_stream(self._session, tab.page, stream_id)
            raise
        stream.on_end = lambda ok: self._release(tab, stream, ok)
        return stream

    def _release(self, tab: _Tab, stream: RelayStream, ok: bool) -> None:
        tab.busy = False
        tab.used_at = time.monotonic()
        tab.chat_id = stream.evaluation_id if ok and 200 <= stream.head.status < 300 else None

    async def _take_tab(self, continue_id: str | None) -> tuple[_Tab, bool]:
        self._tabs = [t for t in self._tabs if not t.page.is_closed()]
        free = [t for t in self._tabs if not t.busy]
        holder = next((t for t in free if continue_id and t.chat_id == continue_id), None)
        if holder is not None:
            holder.busy = True
            return holder, True
        # The least recently used tab gives up its chat, so recent chats stay continuable.
        tab = min(free, key=lambda t: t.used_at) if free else None
        if tab is None and len(self._tabs) < self._max_tabs():
            page = await self._session.call(self._session.context.new_page(), "new tab")
            tab = _Tab(page)
            self._tabs.append(tab)
        if tab is None:
            owner = self._session.owner
            raise InstanceFailed(f"{owner}: every tab is busy", instance_id=owner)
        tab.busy = True
        return tab, False

    async def _send(
        self, tab: _Tab, send: SendRequest, continued: bool, stream_id: str
    ) -> RelayStream:
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
        if not continued:
            url = self._ui.chat_url(self.origin, send.model.public_name, send.matchup)
            await composer.open_chat(url, self._load_s)
        box = await composer.find(self._load_s)
        if images:
            await composer.attach(box, images)
        await self._session.call(
            tab.page.evaluate(
                "([id, p]) => window.__bridgeRelay.arm(id, p)", [stream_id, STREAM_PATH_PREFIX]
            ),
            "arm relay",
        )
        await composer.send(box, text)
        stream = RelayStream(self._session, tab.page, stream_id, clock)
        if not await stream.wait_sent(self._ui.send_timeout_s):
            raise await composer.not_sent(box, self._ui.send_timeout_s)
        await stream.wait_head()
        stream.continued = continued and stream.evaluation_id == send.continue_evaluation_id
        return stream

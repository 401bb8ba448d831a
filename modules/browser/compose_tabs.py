"""The tabs of one instance for `compose`: one request per tab, the chats they hold, and a
spare tab that loads the next fresh chat page in the background.

Opening a chat page costs ~100 ms before anything can be typed (navigation, the page's
scripts, its first frames). With a spare, a new chat usually finds its page loaded: after a
send went out, the least recently used free tab beyond `max_tabs` (else a new tab) loads the
chat page the last new chat used, off the critical path. Continuity is kept as before: at
most `max_tabs` tabs hold chats, the least recently used gives its chat up first, and a
tab's chat is never replaced while it is the newest one. Cost: one more tab per instance.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from playwright.async_api import Page

from ..errors import InstanceFailed
from .page_session import PageSession

log = logging.getLogger(__name__)
# A spare loaded longer ago than this is loaded again when taken (the site's page may have
# gone stale, e.g. its session rotated), rather than trusted.
SPARE_MAX_AGE_S = 600.0

Prepare = Callable[[Page, str], Awaitable[None]]  # load this chat page into this tab


@dataclass(slots=True)
class Tab:
    """One tab of the instance's context and the chat it shows."""

    page: Page
    busy: bool = False
    chat_id: str | None = None  # the evaluation a follow-up typed here would continue
    used_at: float = field(default_factory=time.monotonic)
    # A spare: the fresh chat page it shows, and the load of it (True when it loaded).
    fresh_url: str | None = None
    loading: asyncio.Task[bool] | None = None


class ComposeTabs:
    """Hands out tabs: the one holding a chat to continue, the spare, or the LRU free tab."""

    def __init__(
        self, session: PageSession, max_tabs: Callable[[], int], prepare: Prepare, *, spare: bool
    ) -> None:
        self._session = session
        self._max_tabs = max_tabs
        self._prepare = prepare
        self._use_spare = spare
        self._tabs = [Tab(session.page)]  # the tabs that serve requests (the spare is not one)
        self._spare: Tab | None = None
        self._opening: asyncio.Task[None] | None = None  # a new tab for the spare

    def holds_chat(self, evaluation_id: str) -> bool:
        """Whether a tab still shows this chat (a follow-up can be typed into it)."""
        return any(t.chat_id == evaluation_id for t in self._tabs if not t.page.is_closed())

    async def take(self, continue_id: str | None, url: str) -> tuple[Tab, bool, bool]:
        """A tab for this send: (tab, continues the chat, already shows a fresh `url` page)."""
        self._tabs = [t for t in self._tabs if not t.page.is_closed()]
        free = [t for t in self._tabs if not t.busy]
        holder = next((t for t in free if continue_id and t.chat_id == continue_id), None)
        if holder is not None:
            holder.busy = True
            return holder, True, False
        spare = self._take_spare()
        if spare is not None:
            return spare, False, await _fresh(spare, url)
        # The least recently used tab gives up its chat, so recent chats stay continuable.
        tab = min(free, key=lambda t: t.used_at) if free else None
        if tab is None and len(self._tabs) < self._max_tabs():
            page = await self._session.call(self._session.context.new_page(), "new tab")
            tab = Tab(page)
            self._tabs.append(tab)
        if tab is None:
            owner = self._session.owner
            raise InstanceFailed(f"{owner}: every tab is busy", instance_id=owner)
        tab.busy = True
        return tab, False, False

    def _take_spare(self) -> Tab | None:
        spare, self._spare = self._spare, None
        if spare is None or spare.page.is_closed():
            return None
        spare.busy = True
        self._tabs.append(spare)
        return spare

    def release(self, tab: Tab, chat_id: str | None) -> None:
        """The tab's request ended; `chat_id` is the chat it can continue (None: none)."""
        tab.busy = False
        tab.used_at = time.monotonic()
        tab.chat_id = chat_id
        tab.fresh_url = None

    def refill(self, url: str) -> None:
        """Start loading `url` into a spare tab in the background, if there is none."""
        if not self._use_spare or self._spare or self._opening or not self._session.alive:
            return
        self._tabs = [t for t in self._tabs if not t.page.is_closed()]
        if len(self._tabs) <= self._max_tabs():
            self._opening = asyncio.create_task(self._open_spare(url))
            return
        free = [t for t in self._tabs if not t.busy]
        if free:  # else every tab serves a request; the next new chat loads its own page
            tab = min(free, key=lambda t: t.used_at)  # it gives up its chat, as it would
            self._tabs.remove(tab)
            self._set_spare(tab, url)

    async def _open_spare(self, url: str) -> None:
        try:
            page = await self._session.call(self._session.context.new_page(), "new tab")
        except Exception as err:
            log.debug("%s: opening a spare tab: %s", self._session.owner, err)
            return
        finally:
            self._opening = None
        self._set_spare(Tab(page), url)

    def _set_spare(self, tab: Tab, url: str) -> None:
        tab.chat_id, tab.fresh_url, tab.used_at = None, url, time.monotonic()
        tab.loading = asyncio.create_task(self._load_spare(tab.page, url))
        self._spare = tab

    async def _load_spare(self, page: Page, url: str) -> bool:
        try:
            await self._prepare(page, url)
            return True
        except Exception as err:  # the send that takes it loads the page itself and says why
            log.debug("%s: loading a spare chat page: %s", self._session.owner, err)
            return False


async def _fresh(tab: Tab, url: str) -> bool:
    """Whether the spare shows a fresh `url` page now (its load awaited if still running;
    one of another page is left to the send's own load, which interrupts it)."""
    if tab.fresh_url != url or time.monotonic() - tab.used_at >= SPARE_MAX_AGE_S:
        return False
    return tab.loading is not None and await tab.loading

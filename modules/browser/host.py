"""One browser process, launched here or reached over the network, hosting many contexts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from playwright.async_api import Browser, BrowserContext, ProxySettings, StorageState

from .deadline import with_deadline

log = logging.getLogger(__name__)


class BrowserHost:
    """A browser and the contexts (instances) it hosts."""

    def __init__(
        self,
        label: str,
        browser: Browser,
        *,
        max_contexts: int,
        pid: int | None,
        remote: bool,
        call_timeout_s: float,
    ) -> None:
        self.label = label
        self.browser = browser
        self.max_contexts = max_contexts
        self.pid = pid
        self.remote = remote
        self._call_timeout_s = call_timeout_s
        self.contexts = 0
        self.lost = False
        self._on_lost: list[Callable[[BrowserHost], None]] = []
        browser.on("disconnected", lambda _b: self._mark_lost())

    @property
    def has_room(self) -> bool:
        return not self.lost and self.contexts < self.max_contexts

    def on_lost(self, callback: Callable[[BrowserHost], None]) -> None:
        self._on_lost.append(callback)

    def off_lost(self, callback: Callable[[BrowserHost], None]) -> None:
        if callback in self._on_lost:
            self._on_lost.remove(callback)

    def _mark_lost(self) -> None:
        if self.lost:
            return
        self.lost = True
        log.warning("browser %s disconnected", self.label)
        for callback in list(self._on_lost):
            callback(self)

    async def new_context(
        self, storage_state: StorageState | None = None, proxy: ProxySettings | None = None
    ) -> BrowserContext:
        """Open an isolated (incognito) context on this browser, through `proxy` if given."""
        context = await with_deadline(
            self.browser.new_context(
                viewport={"width": 1280, "height": 800}, storage_state=storage_state, proxy=proxy
            ),
            self._call_timeout_s,
            "new_context",
            self.label,
        )
        return context

    def reserve(self) -> None:
        """Count a context before it exists so concurrent starts do not overfill a browser."""
        self.contexts += 1

    def context_closed(self) -> None:
        self.contexts = max(0, self.contexts - 1)

    async def close(self) -> None:
        """Close the browser (or drop the connection to a remote one)."""
        if self.lost:
            return
        self.lost = True
        try:
            await with_deadline(self.browser.close(), self._call_timeout_s, "close", self.label)
        except Exception as err:  # closing is best effort; the process is killed below
            log.debug("closing %s: %s", self.label, err)

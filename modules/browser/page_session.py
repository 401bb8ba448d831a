"""One instance's browser side: an isolated context with one page on the arena site."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import BrowserContext, Page, StorageState

from ..config import ProxyConfig
from ..errors import InstanceFailed, UpstreamTimeout
from ..util.tripwire import Tripwire
from .deadline import with_deadline
from .host import BrowserHost
from .proxy import playwright_proxy
from .relay_channel import RelayChannel

T = TypeVar("T")

log = logging.getLogger(__name__)

RELAY_JS = (Path(__file__).with_name("fetch_relay.js")).read_text(encoding="utf-8")

# Same-origin login check from inside the page: a GET of the site's cheap "who am I" path
# (no chat quota spent); only when that is not a plain 200 is its body read to look for a
# human challenge. Path and markers come from the protocol module.
_PROBE_JS = """async ([markers, timeoutMs, path]) => {
  const hit = (t) => markers.some((m) => t.includes(m));
  const onScreen = hit(document.title) || hit(document.documentElement.outerHTML.slice(0, 20000));
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const r = await fetch(path, { credentials: "include", signal: ctrl.signal, cache: "no-store" });
    if (r.status === 200) return { status: 200, challenge: onScreen, error: null };
    const text = await r.text();
    return { status: r.status, challenge: onScreen || hit(text.slice(0, 20000)), error: null };
  } catch (e) {
    return { status: 0, challenge: onScreen, error: String(e && e.message || e) };
  } finally { clearTimeout(timer); }
}"""


class PageSession:
    """A context + page; every call runs under a deadline and fails fast once dead."""

    def __init__(
        self,
        owner: str,
        host: BrowserHost,
        context: BrowserContext,
        page: Page,
        call_timeout_s: float,
    ) -> None:
        self.owner = owner
        self.host = host
        self.context = context
        self.page = page
        self.call_timeout_s = call_timeout_s
        self.failure: str | None = None
        self._dead = Tripwire()  # cuts every running page call short when the page dies
        self._relays: dict[Page, RelayChannel] = {}
        # Held while `page` navigates (compose opens chat pages in it, also in the
        # background as a spare) and while a call reads it between requests (health probe,
        # model refresh), so neither cuts the other short.
        self.navigation = asyncio.Lock()
        page.on("crash", lambda _p: self._fail("page crashed"))
        page.on("close", lambda _p: self._fail("page closed"))
        host.on_lost(self._host_lost)

    @classmethod
    async def open(
        cls,
        owner: str,
        host: BrowserHost,
        call_timeout_s: float,
        storage_state: StorageState | None = None,
        proxy: ProxyConfig | None = None,
    ) -> PageSession:
        """Open a fresh incognito context (in a slot the caller reserved on `host`)."""
        try:
            context = await host.new_context(
                storage_state, playwright_proxy(proxy) if proxy is not None else None
            )
        except BaseException:
            host.context_closed()
            raise
        try:
            await with_deadline(
                context.add_init_script(RELAY_JS), call_timeout_s, "add_init_script", owner
            )
            page = await with_deadline(context.new_page(), call_timeout_s, "new_page", owner)
        except BaseException:
            await _close_quietly(context, host)
            raise
        return cls(owner, host, context, page, call_timeout_s)

    def _host_lost(self, host: BrowserHost) -> None:
        self._fail(f"browser {host.label} disconnected")

    @property
    def alive(self) -> bool:
        return self.failure is None

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            self._dead.trip()

    def _died(self) -> InstanceFailed:
        return InstanceFailed(f"{self.owner}: {self.failure}", instance_id=self.owner)

    async def call(self, coro: Awaitable[T], what: str, timeout_s: float | None = None) -> T:
        """Await a page call; it ends early with InstanceFailed if the page dies meanwhile.

        It runs in the caller's task (no task per call: this is every relay round trip).
        """
        if self.failure is not None and hasattr(coro, "close"):
            coro.close()  # never started: close it so Python does not warn
        with self._dead.guard(self._died):
            return await with_deadline(coro, timeout_s or self.call_timeout_s, what, self.owner)

    def relay(self, page: Page) -> RelayChannel:
        """The relay of `page` (this session's page or another tab of its context)."""
        channel = self._relays.get(page)
        if channel is None:
            channel = self._relays[page] = RelayChannel(self, page)
            page.on("close", self._forget_relay)
        return channel

    def _forget_relay(self, page: Page) -> None:
        self._relays.pop(page, None)

    async def goto(self, url: str, timeout_s: float) -> int:
        response = await self.call(
            self.page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000),
            "page load",
            timeout_s + 1,
        )
        return response.status if response is not None else 0

    async def cookies(self) -> dict[str, str]:
        items = await self.call(self.context.cookies(), "cookies")
        return {c["name"]: c["value"] for c in items}

    async def wait_for_cookie(self, prefix: str, timeout_s: float) -> dict[str, str]:
        """Poll the context's cookies until one starting with `prefix` exists."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            jar = await self.cookies()
            if any(name.startswith(prefix) for name in jar):
                return jar
            if loop.time() > deadline:
                raise UpstreamTimeout(
                    f"{self.owner}: no session cookie after {timeout_s:g}s", instance_id=self.owner
                )
            await asyncio.sleep(0.1)

    async def storage_state(self) -> StorageState:
        return await self.call(self.context.storage_state(), "storage state")

    async def content(self) -> str:
        return await self.call(self.page.content(), "read page")

    async def title(self) -> str:
        return await self.call(self.page.title(), "read title")

    async def evaluate(
        self, js: str, arg: Any = None, *, what: str = "evaluate", timeout_s: float | None = None
    ) -> Any:
        return await self.call(self.page.evaluate(js, arg), what, timeout_s)

    async def probe(self, markers: tuple[str, ...], timeout_s: float, path: str) -> dict[str, Any]:
        """Same-origin GET of `path` from the page; reports status and challenge markers."""
        arg = [list(markers), int(timeout_s * 1000), path]
        async with self.navigation:
            result: dict[str, Any] = await self.evaluate(
                _PROBE_JS, arg, what="probe", timeout_s=timeout_s + 1
            )
        return result

    async def api_get(self, url: str, timeout_s: float) -> tuple[int, str]:
        """GET with this context's cookies but without the page (a login check, no scripts)."""
        response = await self.call(
            self.context.request.get(url, timeout=timeout_s * 1000, max_redirects=5),
            "login check",
            timeout_s + 1,
        )
        try:
            return response.status, await self.call(response.text(), "login check")
        finally:
            await self.call(response.dispose(), "login check")

    async def fetch_text(self, path: str, timeout_s: float) -> tuple[int, str]:
        """Same-origin GET from inside the page (used to refresh the model list)."""
        async with self.navigation:
            result = await self.evaluate(
                """async (path) => { const r = await fetch(path, {credentials: "include",
                cache: "no-store"}); return [r.status, await r.text()]; }""",
                path,
                what="fetch page",
                timeout_s=timeout_s,
            )
        return int(result[0]), str(result[1])

    async def renderer_memory_mb(self) -> float | None:
        """JS heap of the page (Chromium only); a cheap proxy for renderer growth."""
        try:
            used = await self.evaluate(
                "() => (performance.memory && performance.memory.usedJSHeapSize) || 0",
                what="memory",
                timeout_s=2,
            )
        except Exception:
            return None
        return used / 1e6 if used else None

    async def close(self) -> None:
        self._fail("closed")
        self.host.off_lost(self._host_lost)  # a closed page must not stay referenced
        await _close_quietly(self.context, self.host)


async def _close_quietly(context: BrowserContext, host: BrowserHost) -> None:
    try:
        async with asyncio.timeout(10):
            await context.close()
    except Exception as err:  # the browser may already be gone
        log.debug("closing context: %s", err)
    finally:
        host.context_closed()

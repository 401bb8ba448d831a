"""Calls into one page's relay (fetch_relay.js) over a CDP session of its own.

Each relay call is on a request's critical path (the fetch's start, every long-poll), so it
takes the thinnest way Playwright offers: a raw `Runtime.evaluate` through the page's own
CDP session. page.evaluate() would add Playwright's argument and result serialisation and
its utility script on both sides, ~0.5-1 ms per round trip on 2 cores (bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from playwright.async_api import CDPSession, Page

from ..errors import InstanceFailed

if TYPE_CHECKING:
    from .page_session import PageSession


class RelayChannel:
    """`window.__bridgeRelay.<method>(...args)` in one page, awaited, the value returned."""

    def __init__(self, session: PageSession, page: Page) -> None:
        self._session = session
        self._page = page
        self._cdp: CDPSession | None = None
        self._opening = asyncio.Lock()

    async def call(self, method: str, args: list[Any], what: str, timeout_s: float) -> Any:
        """Run one relay method; a page-side exception becomes InstanceFailed."""
        # JSON is a JavaScript literal: the arguments cannot become code.
        expression = f"window.__bridgeRelay.{method}(...{json.dumps(args)})"
        params = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        cdp = self._cdp or await self._open()
        reply = await self._session.call(cdp.send("Runtime.evaluate", params), what, timeout_s)
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            first = str(text).splitlines()[0] if text else "exception"
            owner = self._session.owner
            raise InstanceFailed(f"{owner}: {what} failed: {first}", instance_id=owner)
        return reply["result"].get("value")

    async def _open(self) -> CDPSession:
        async with self._opening:
            if self._cdp is None:
                opened = self._session.context.new_cdp_session(self._page)
                self._cdp = await self._session.call(opened, "open relay channel")
        return self._cdp

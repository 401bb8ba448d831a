"""Read one upstream response out of a page's relay (fetch_relay.js) under per-attempt deadlines."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Page

from ..errors import InstanceFailed, StreamCut, UpstreamTimeout
from .page_session import PageSession
from .transport import ResponseHead

log = logging.getLogger(__name__)
_POLL_MS = 1000  # a batch returns at least this often so silence can be timed


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Per attempt: to the first body byte, between bytes, and for the whole answer."""

    first_byte_s: float
    idle_s: float
    total_s: float


class RelayClock:
    """Which deadline applies now, measured from the moment the attempt sent."""

    def __init__(self, deadlines: Deadlines, owner: str) -> None:
        self._d = deadlines
        self._owner = owner
        self._loop = asyncio.get_running_loop()
        self.started = self._loop.time()
        self.last_data: float | None = None

    def data(self) -> None:
        self.last_data = self._loop.time()

    def check(self) -> float:
        """Raise UpstreamTimeout if a deadline passed; else ms until the nearest one."""
        now = self._loop.time()
        total_left = self.started + self._d.total_s - now
        if self.last_data is None:
            left, key, limit = self.started + self._d.first_byte_s - now, "first_byte_s", "first"
        else:
            left, key, limit = self.last_data + self._d.idle_s - now, "idle_s", "idle"
        if total_left <= 0:
            raise self._timeout(f"the answer took longer than {self._d.total_s:g}s", "total_s")
        if left <= 0:
            what = "no first byte" if limit == "first" else "no data"
            span = self._d.first_byte_s if limit == "first" else self._d.idle_s
            raise self._timeout(f"{what} for {span:g}s", key)
        return max(10.0, min(_POLL_MS, 1000 * min(left, total_left)))

    def _timeout(self, what: str, key: str) -> UpstreamTimeout:
        return UpstreamTimeout(f"{self._owner}: {what} (timeouts.{key})", instance_id=self._owner)


async def next_batch(
    session: PageSession, page: Page, stream_id: str, wait_ms: float
) -> dict[str, Any]:
    """One long-poll: whatever the relay holds for this stream, waiting up to `wait_ms`."""
    timeout_s = wait_ms / 1000 + session.call_timeout_s
    batch: dict[str, Any] = await session.relay(page).call(
        "next", [stream_id, int(wait_ms)], "read stream", timeout_s
    )
    return batch


def head_of(raw: dict[str, Any] | None) -> ResponseHead:
    raw = raw or {"status": 0, "retryAfter": None, "contentType": ""}
    return ResponseHead(
        int(raw["status"]),
        raw.get("retryAfter"),
        raw.get("contentType") or "",
        raw.get("ratelimit"),
    )


class RelayStream:
    """The response of one in-page request; iterate `chunks()` for the body text."""

    def __init__(
        self,
        session: PageSession,
        page: Page,
        stream_id: str,
        clock: RelayClock,
        evaluation_id: str | None = None,
    ) -> None:
        self.head = ResponseHead(0, None, "")
        self.evaluation_id = evaluation_id
        self._session = session
        self._page = page
        self._id = stream_id
        self._clock = clock
        self._pending = ""
        self._done = False
        self._error: str | None = None
        self._sent = False
        self._has_head = False
        self.continued = False
        # Told once when the response ended (True) or was abandoned (False).
        self.on_end: Callable[[bool], None] | None = None
        # Told once when the first body bytes arrived (the answer's first token is out).
        self.on_data: Callable[[], None] | None = None

    def _ended(self, ok: bool) -> None:
        callback, self.on_end = self.on_end, None
        if callback is not None:
            callback(ok)

    @property
    def owner(self) -> str:
        return self._session.owner

    async def start(self, method: str, path: str, body: str | None, content_type: str) -> None:
        """Run the request with the page's fetch; the same call waits for the head."""
        wait_ms = self._clock.check()
        args = [self._id, method, path, body, content_type, int(wait_ms)]
        timeout_s = wait_ms / 1000 + self._session.call_timeout_s
        relay = self._session.relay(self._page)
        self._take(await relay.call("start", args, "start fetch", timeout_s))
        await self.wait_head()

    @property
    def has_data(self) -> bool:
        """Whether body bytes have arrived (maybe with the head already)."""
        return self._clock.last_data is not None

    async def wait_sent(self, timeout_s: float) -> bool:
        """Poll until the page has sent its request; False if it did not within `timeout_s`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while not self._sent:
            left_ms = 1000 * (end - loop.time())
            if left_ms <= 0:
                return False
            wait_ms = min(self._clock.check(), left_ms)
            self._take(await next_batch(self._session, self._page, self._id, wait_ms))
        return True

    async def wait_head(self) -> None:
        """Poll until the response head (or the end) arrives; deadlines apply."""
        while not self._has_head and not self._done:
            wait_ms = self._clock.check()
            self._take(await next_batch(self._session, self._page, self._id, wait_ms))
        if not self._has_head and self._error:
            raise InstanceFailed(
                f"{self.owner}: request failed: {self._error}", instance_id=self.owner
            )

    def _take(self, batch: dict[str, Any]) -> None:
        if batch["data"]:
            self._pending += batch["data"]
            self._clock.data()
            callback, self.on_data = self.on_data, None
            if callback is not None:
                callback()
        if batch["head"] is not None:
            self.head, self._has_head = head_of(batch["head"]), True
        request = batch.get("request")
        if request and request.get("evaluationId"):
            self.evaluation_id = request["evaluationId"]
        self._done, self._error = batch["done"], batch["error"]
        self._sent = self._sent or bool(request or batch["head"] or self._done)

    async def chunks(self) -> AsyncGenerator[str, None]:
        ok = False
        try:
            while True:
                if self._pending:
                    data, self._pending = self._pending, ""
                    yield data
                if self._done:
                    if self._error:
                        # The page is fine: the site (or the network to it) cut the body.
                        raise StreamCut(
                            f"{self.owner}: the site cut the stream: {self._error}",
                            instance_id=self.owner,
                        )
                    ok = True
                    return
                wait_ms = self._clock.check()
                self._take(await next_batch(self._session, self._page, self._id, wait_ms))
        finally:
            self._ended(ok)

    async def aclose(self) -> None:
        """Abort the in-page request (the site sees the connection go away)."""
        self._ended(False)
        if self._done or not self._session.alive or self._page.is_closed():
            return
        self._done = True
        await abort_stream(self._session, self._page, self._id)


async def abort_stream(session: PageSession, page: Page, stream_id: str) -> None:
    try:
        await session.relay(page).call("abort", [stream_id], "abort", 3)
    except Exception as err:
        log.debug("abort %s: %s", stream_id, err)

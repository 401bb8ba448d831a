"""Transport `fetch`: the page's own fetch(), chunks collected in batches by long-poll."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from ..errors import InstanceFailed, UpstreamTimeout
from ..upstream.body import (
    UpstreamCall,
    body_to_text,
    build_create_evaluation,
    build_post_to_evaluation,
)
from ..upstream.protocol import REQUEST_CONTENT_TYPE
from .page_session import PageSession
from .transport import ResponseHead, SendRequest

log = logging.getLogger(__name__)
_POLL_MS = 1000  # a batch returns at least this often so silence can be timed


class FetchStream:
    """The response of one in-page fetch; iterate `chunks()` for the body text."""

    def __init__(
        self,
        page: PageSession,
        stream_id: str,
        head: ResponseHead,
        first: str,
        done: bool,
        error: str | None,
        idle_timeout_s: float,
        evaluation_id: str | None = None,
    ) -> None:
        self.head = head
        self.evaluation_id = evaluation_id
        self._page = page
        self._id = stream_id
        self._pending = first
        self._done = done
        self._error = error
        self._idle_timeout_s = idle_timeout_s

    async def chunks(self) -> AsyncGenerator[str, None]:
        loop = asyncio.get_running_loop()
        last_data = loop.time()
        while True:
            if self._pending:
                data, self._pending = self._pending, ""
                last_data = loop.time()
                yield data
            if self._done:
                if self._error:
                    raise InstanceFailed(
                        f"{self._page.owner}: stream broke: {self._error}",
                        instance_id=self._page.owner,
                    )
                return
            if loop.time() - last_data > self._idle_timeout_s:
                raise UpstreamTimeout(
                    f"{self._page.owner}: no data for {self._idle_timeout_s:g}s",
                    instance_id=self._page.owner,
                )
            batch = await _next(self._page, self._id)
            self._pending, self._done, self._error = batch["data"], batch["done"], batch["error"]

    async def aclose(self) -> None:
        """Abort the in-page fetch (the site sees the connection go away)."""
        if self._done or not self._page.alive:
            return
        self._done = True
        try:
            await self._page.evaluate(
                "(id) => window.__bridgeRelay.abort(id)", self._id, what="abort", timeout_s=3
            )
        except Exception as err:
            log.debug("abort %s: %s", self._id, err)


async def _next(page: PageSession, stream_id: str) -> dict[str, Any]:
    batch: dict[str, Any] = await page.evaluate(
        "([id, w]) => window.__bridgeRelay.next(id, w)",
        [stream_id, _POLL_MS],
        what="read stream",
        timeout_s=_POLL_MS / 1000 + page.call_timeout_s,
    )
    return batch


class FetchTransport:
    """Runs the upstream call with fetch() inside the instance's page."""

    name = "fetch"

    def __init__(
        self, page: PageSession, *, first_byte_timeout_s: float, idle_timeout_s: float
    ) -> None:
        self._page = page
        self._first_byte_timeout_s = first_byte_timeout_s
        self._idle_timeout_s = idle_timeout_s

    async def open(self, send: SendRequest) -> FetchStream:
        """Build the upstream body for `send` and run it with the page's fetch()."""
        return await self._open_call(_call_for(send))

    async def _open_call(self, call: UpstreamCall) -> FetchStream:
        stream_id = uuid.uuid4().hex[:16]  # unique within the page; no shared counter
        body = body_to_text(call.body) if call.body is not None else None
        await self._page.evaluate(
            "([id, m, p, b, ct]) => window.__bridgeRelay.start(id, m, p, b, ct)",
            [stream_id, call.method, call.path, body, REQUEST_CONTENT_TYPE],
            what="start fetch",
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._first_byte_timeout_s
        try:
            while True:
                batch = await _next(self._page, stream_id)
                if batch["head"] is not None or batch["done"]:
                    break
                if loop.time() > deadline:
                    raise UpstreamTimeout(
                        f"{self._page.owner}: no response after {self._first_byte_timeout_s:g}s",
                        instance_id=self._page.owner,
                    )
        except BaseException:
            await FetchStream(
                self._page, stream_id, ResponseHead(0, None, ""), "", False, None, 0
            ).aclose()
            raise
        head_raw = batch["head"] or {"status": 0, "retryAfter": None, "contentType": ""}
        head = ResponseHead(
            int(head_raw["status"]), head_raw.get("retryAfter"), head_raw.get("contentType") or ""
        )
        if batch["done"] and batch["head"] is None and batch["error"]:
            raise InstanceFailed(
                f"{self._page.owner}: request failed: {batch['error']}",
                instance_id=self._page.owner,
            )
        return FetchStream(
            self._page,
            stream_id,
            head,
            batch["data"],
            batch["done"],
            batch["error"],
            self._idle_timeout_s,
            call.session_id,
        )


def _call_for(send: SendRequest) -> UpstreamCall:
    if send.continue_evaluation_id is None:
        return build_create_evaluation(send.turns, send.model)
    return build_post_to_evaluation(send.continue_evaluation_id, send.turns, send.model)

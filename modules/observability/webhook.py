"""Alert delivery to an optional webhook: queued, retried, never in the request path."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from ..util.netaddr import is_loopback
from ..util.redact import redact_url

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_S: tuple[float, ...] = (0.5, 1.0, 2.0)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new target: urllib would turn the POST into a GET
    and follow it to any host or scheme."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookNotifier:
    """POSTs JSON payloads from a background task; `notify` only appends to a queue."""

    def __init__(
        self,
        url: str,
        timeout_s: float = 5.0,
        retries: int = 3,
        *,
        max_queue: int = 100,
        backoff_s: Sequence[float] = DEFAULT_BACKOFF_S,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # urllib would also open file:// and ftp:// URLs; a webhook is http(s) only.
            raise ValueError(f"alerts.webhook_url must be http(s): {redact_url(url)}")
        self.url = url
        self.safe_url = redact_url(url)
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = tuple(backoff_s) or (0.0,)
        self.delivered = 0
        self.failed = 0
        self.dropped = 0
        self._queue: deque[dict[str, Any]] = deque(maxlen=max_queue)
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while nothing is queued or in flight
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        # Proxies from the environment must not capture a receiver on this machine.
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if is_loopback(parts.hostname):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def pending(self) -> int:
        """Payloads waiting for delivery."""
        return len(self._queue)

    def notify(self, payload: dict[str, Any]) -> None:
        """Queue a payload; when full the oldest is dropped and counted. Never raises."""
        if self._closed:
            self.dropped += 1
            return
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
        self._queue.append(payload)
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        """Start the delivery task on the running loop."""
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name="webhook-notifier")

    async def close(self, grace_s: float = 2.0) -> None:
        """Give queued payloads up to `grace_s` to go out, then stop; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        task, self._task = self._task, None
        if task is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_s):
                await self._idle.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def __aenter__(self) -> WebhookNotifier:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _run(self) -> None:
        while True:
            if not self._queue:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            payload = self._queue[0]
            try:
                ok = await self._deliver(payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the loop alive whatever happens
                log.exception("webhook %s: unexpected error", self.safe_url)
                ok = False
            # Pop only now so close() waits for the one in flight; skip if it was dropped.
            if self._queue and self._queue[0] is payload:
                self._queue.popleft()
            if ok:
                self.delivered += 1
            else:
                self.failed += 1

    async def _deliver(self, payload: dict[str, Any]) -> bool:
        """POST with retries and backoff; True once the receiver answered 2xx."""
        body = json.dumps(payload, default=str).encode()
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_s[min(attempt - 1, len(self.backoff_s) - 1)]
                await asyncio.sleep(delay)
            error, retryable = await asyncio.to_thread(self._post, body)
            if error is None:
                return True
            log.warning("webhook %s: attempt %d failed: %s", self.safe_url, attempt + 1, error)
            if not retryable:
                break
        return False

    def _post(self, body: bytes) -> tuple[str | None, bool]:
        """One POST in a worker thread; returns (error or None, worth retrying)."""
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "lmarena-bridge"},
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                response.read()
            return None, False
        except urllib.error.HTTPError as err:
            err.close()
            # A 3xx or a 4xx other than 429: the receiver will not take it; retrying cannot help.
            return f"HTTP {err.code}", err.code >= 500 or err.code == 429
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = str(getattr(err, "reason", err)).replace(self.url, self.safe_url)
            return f"{type(err).__name__}: {reason}", True

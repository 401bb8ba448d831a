"""Run one chat completion through the pool: lease, stream, fail over, release."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field

from ..browser.transport import SendRequest
from ..errors import (
    ClientError,
    CoolDown,
    InstanceFailed,
    NeedsAttention,
    RetryElsewhere,
    SessionRejected,
    StreamCut,
    UpstreamError,
    UpstreamServerError,
    UpstreamStreamError,
    UpstreamTimeout,
)
from ..pool.dispatcher import Lease
from ..pool.instance import Instance
from ..pool.pool import Pool
from ..upstream.body import ChatTurn
from ..upstream.events import Finish, MalformedLine, StreamErrorEvent, StreamEvent
from ..upstream.failures import classify_failure
from ..upstream.models import ArenaModel
from ..upstream.parser import StreamParser

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RouteInfo:
    """Where a request went and why; becomes response headers and a history row."""

    strategy: str = ""
    instance_id: str | None = None
    queue_wait_s: float = 0.0
    attempts: int = 0
    failovers: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    first_token_at: float | None = None
    error_kind: str | None = None

    def headers(self) -> dict[str, str]:
        out = {
            "x-bridge-strategy": self.strategy,
            "x-bridge-instance": self.instance_id or "",
            "x-bridge-queue-ms": str(round(self.queue_wait_s * 1000)),
            "x-bridge-attempts": str(self.attempts),
        }
        if self.failovers:
            out["x-bridge-failover"] = "; ".join(self.failovers)[:500]
        return out


@dataclass(slots=True)
class _Seen:
    """What one attempt's stream has shown so far."""

    finished: bool = False
    content: bool = False


class CompletionRunner:
    """Yields upstream events of one completion; retries elsewhere before the first event."""

    def __init__(self, pool: Pool, *, max_retries: int) -> None:
        self._pool = pool
        self.max_retries = max_retries
        self._bg: set[asyncio.Task[None]] = set()

    async def run(
        self, model: ArenaModel, turns: Sequence[ChatTurn], route: RouteInfo
    ) -> AsyncGenerator[StreamEvent, None]:
        tried: set[str] = set()
        while True:
            # Known before any wait, so a stream that starts while queued still names it.
            route.strategy = self._pool.dispatcher.strategy.name
            lease = await self._pool.dispatcher.acquire(tried)
            route.attempts += 1
            route.strategy = lease.strategy
            route.queue_wait_s += lease.queue_wait_s
            route.instance_id = lease.instance.id
            emitted = False
            try:
                # aclosing: when the client leaves, the attempt's finally (which frees the
                # slot and aborts the page's fetch) runs now, not at garbage collection.
                async with aclosing(self._attempt(lease, model, turns, route)) as attempt:
                    async for event in attempt:
                        emitted = True
                        yield event
                return
            except (RetryElsewhere, CoolDown, NeedsAttention) as err:
                route.error_kind = err.label
                if emitted or route.attempts > self.max_retries:
                    raise
                tried.add(lease.instance.id)
                route.failovers.append(f"{lease.instance.id}: {err.label}")
                self._pool.on_retry()
                log.info("retrying elsewhere after %s", err.message)

    async def _attempt(
        self, lease: Lease, model: ArenaModel, turns: Sequence[ChatTurn], route: RouteInfo
    ) -> AsyncGenerator[StreamEvent, None]:
        inst = lease.instance
        started = time.monotonic()
        stream = None
        ok = False
        try:
            if inst.transport is None:
                raise InstanceFailed(f"{inst.id}: no page", instance_id=inst.id)
            stream = await inst.transport.open(SendRequest(model, tuple(turns)))
            inst.last_evaluation_id = stream.evaluation_id
            if not 200 <= stream.head.status < 300:
                body = "".join([c async for c in stream.chunks()])
                raise classify_failure(stream.head.status, body, stream.head.retry_after, inst.id)
            async with aclosing(self._events(stream, inst, route, started)) as events:
                async for event in events:
                    yield event
            ok = True
        except UpstreamError as err:
            self._on_failure(inst, err)
            raise
        except ClientError:
            ok = True  # the site rejected the content; the instance itself is fine
            raise
        finally:
            self._finish(lease, inst, stream, ok, time.monotonic() - started)

    async def _events(
        self, stream, inst: Instance, route: RouteInfo, started: float
    ) -> AsyncGenerator[StreamEvent, None]:
        parser = StreamParser()
        seen = _Seen()
        async with aclosing(stream.chunks()) as chunks:
            async for chunk in chunks:
                for event in parser.feed(chunk):
                    if self._accept(event, inst, route, started, seen):
                        yield event
        for event in parser.finish():
            if self._accept(event, inst, route, started, seen):
                yield event
        if not seen.finished:
            raise StreamCut(
                f"{inst.id}: the stream ended without a finish line", instance_id=inst.id
            )

    @staticmethod
    def _accept(
        event: StreamEvent, inst: Instance, route: RouteInfo, started: float, seen: _Seen
    ) -> bool:
        """Whether to pass `event` on; raises for an in-stream error (a3:)."""
        if isinstance(event, MalformedLine):
            log.debug("%s: skipped malformed line (%s)", inst.id, event.reason)
            return False
        if isinstance(event, StreamErrorEvent):
            cls = UpstreamStreamError if seen.content else UpstreamServerError
            raise cls(f"{inst.id}: the site reported: {event.message}", instance_id=inst.id)
        if isinstance(event, Finish):
            seen.finished = True
        elif route.first_token_at is None:
            route.first_token_at = time.monotonic()
            inst.ttft.update(route.first_token_at - started)  # this attempt only
        seen.content = True
        return True

    def _on_failure(self, inst: Instance, err: UpstreamError) -> None:
        inst.last_error = err.message
        self._pool.on_upstream_error(err.label)
        if isinstance(err, CoolDown):
            self._pool.cool_down(inst, err.retry_after_s, err.message)
        elif isinstance(err, NeedsAttention):
            self._pool.park(inst, err.message)
        elif isinstance(err, SessionRejected):
            # The site no longer accepts this session: start a fresh one, drain this one.
            if inst.usable:
                self._pool.recycle(inst, f"session rejected: {err.message}")
        elif isinstance(err, InstanceFailed | StreamCut | UpstreamTimeout | UpstreamServerError):
            self._pool.mark_failed(inst, err.message)

    def _finish(self, lease: Lease, inst: Instance, stream, ok: bool, elapsed: float) -> None:
        # Runs on success, failure and cancellation alike: the slot is freed synchronously,
        # the in-page abort runs in the background so a cancelled client never blocks it.
        if ok:
            inst.health.mark_good()
            inst.latency.update(elapsed)
        inst.total_requests += 1
        inst.session_requests += 1
        self._pool.dispatcher.release(lease, elapsed if ok else None)
        if stream is not None and not ok:
            task = asyncio.get_running_loop().create_task(stream.aclose())
            self._bg.add(task)
            task.add_done_callback(self._bg.discard)

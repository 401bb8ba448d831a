"""Run one chat completion through the pool: lease, stream, fail over, release."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import assert_never

from ..browser.transport import SendRequest, UpstreamStream
from ..errors import (
    ClientError,
    CoolDown,
    EmptyAnswer,
    InstanceFailed,
    NeedsAttention,
    PromptFailed,
    RetryElsewhere,
    SessionRejected,
    SiteUiMismatch,
    StreamCut,
    TokenRefused,
    TransportSwitched,
    UpstreamError,
    UpstreamServerError,
    UpstreamStreamError,
    UpstreamTimeout,
)
from ..identity.pace import Refusal
from ..pool.dispatcher import Lease
from ..pool.instance import Instance
from ..pool.pool import Pool
from ..upstream.events import (
    Citation,
    ClientEvent,
    Finish,
    ImageOutput,
    MalformedLine,
    ReasoningDelta,
    StreamErrorEvent,
    StreamEvent,
    TextDelta,
)
from ..upstream.failures import classify_failure
from ..upstream.parser import StreamParser
from ..upstream.ratelimit import parse_ratelimit
from .affinity import AffinityMap, ChatPlace
from .chat_job import ChatJob, Route

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Seen:
    """What one attempt's stream has shown so far."""

    finished: bool = False
    content: bool = False


def _switch_if_gated(inst: Instance, err: Exception) -> Exception:
    """`auto`: a fetch refused for want of a page token moves the instance to compose."""
    if isinstance(err, TokenRefused) and inst.transport is not None:
        if inst.transport.name == "fetch" and inst.switch_transport("compose"):
            log.info("%s: the site wants a page token; now sending through the composer", inst.id)
            return TransportSwitched(f"{err.message} (switched to compose)", instance_id=inst.id)
    return err


class CompletionRunner:
    """Yields upstream events of one completion; retries elsewhere before the first event."""

    def __init__(
        self,
        pool: Pool,
        *,
        max_retries: int,
        affinity: AffinityMap | None = None,
        affinity_wait_s: float = 0.0,
    ) -> None:
        self._pool = pool
        self.max_retries = max_retries
        self._affinity = affinity
        self._affinity_wait_s = affinity_wait_s
        self._bg: set[asyncio.Task[None]] = set()

    async def _lease(
        self, place: ChatPlace | None, tried: set[str], route: Route, requeued_until: float | None
    ) -> tuple[Lease, str | None]:
        """The conversation's own instance when it can serve in time, else any instance; a
        request the site refused waits at the head of the queue until `requeued_until`."""
        dispatcher = self._pool.dispatcher
        if place is not None:
            lease = await dispatcher.acquire_on(place.instance_id, self._affinity_wait_s)
            if lease is not None:
                return lease, place.evaluation_id
        # Known before any wait, so a stream that starts while queued still names it.
        route.strategy = dispatcher.strategy.name
        if requeued_until is None:
            return await dispatcher.acquire(tried), None
        left = max(0.0, requeued_until - time.monotonic())
        return await dispatcher.acquire(tried, front=True, timeout_s=left), None

    async def run(self, job: ChatJob) -> AsyncGenerator[ClientEvent, None]:
        """The job's events; each is folded into `job.answer` before it is passed on."""
        route = job.route
        tried: set[str] = set()
        lane = job.request.model  # a chat continues only under the model id that began it
        place = self._affinity.take(job.turns, lane) if self._affinity is not None else None
        requeued_until: float | None = None  # set by the first refusal of the site
        while True:
            lease, continue_id = await self._lease(place, tried, route, requeued_until)
            place = None  # one try in the conversation's chat; a retry starts a new chat
            route.attempts += 1
            route.strategy = lease.strategy
            route.queue_wait_s += lease.queue_wait_s
            route.instance_id = lease.instance.id
            emitted = False
            try:
                # aclosing: when the client leaves, the attempt's finally (which frees the
                # slot and aborts the page's fetch) runs now, not at garbage collection.
                send = SendRequest(job.model, job.turns, continue_id, job.matchup)
                async with aclosing(self._attempt(lease, job, send)) as attempt:
                    async for event in attempt:
                        emitted = True
                        job.answer.add(event)
                        yield event
                self._remember(job)
                return
            except (CoolDown, TokenRefused) as err:
                # Refused on account of the identity, not the request: back to the head of
                # the queue for the next identity with a slot (not counted as a retry).
                route.error_label = err.label
                if emitted:
                    raise
                route.failovers.append(f"{lease.instance.id}: {err.label}")
                if requeued_until is None:
                    requeued_until = time.monotonic() + self._pool.dispatcher.queue_timeout_s
                log.info("the site refused %s; the request waits for a slot", lease.instance.id)
            except (RetryElsewhere, NeedsAttention) as err:
                route.error_label = err.label
                if emitted or route.attempts > self.max_retries:
                    raise
                tried.add(lease.instance.id)
                route.failovers.append(f"{lease.instance.id}: {err.label}")
                self._pool.on_retry()
                log.info("retrying elsewhere after %s", err.message)

    def _remember(self, job: ChatJob) -> None:
        route = job.route
        if self._affinity is not None and route.instance_id and route.evaluation_id:
            place = ChatPlace(route.instance_id, route.evaluation_id)
            self._affinity.remember(job.turns, job.answer.text, place, job.request.model)

    async def _attempt(
        self, lease: Lease, job: ChatJob, send: SendRequest
    ) -> AsyncGenerator[ClientEvent, None]:
        inst = lease.instance
        started = job.clock()
        stream = None
        ok = False
        try:
            if inst.transport is None:
                raise InstanceFailed(f"{inst.id}: no page", instance_id=inst.id)
            inst.pace.sent()  # counted whatever the answer: the site saw the attempt
            stream = await inst.transport.open(send)
            inst.note_evaluation(stream.evaluation_id)
            if (header := parse_ratelimit(stream.head.ratelimit)) is not None:
                inst.pace.rate_limit(header)
            job.route.evaluation_id = stream.evaluation_id
            if self._affinity is not None:
                job.route.affinity = "hit" if stream.continued else "miss"
            if not 200 <= stream.head.status < 300:
                body = "".join([c async for c in stream.chunks()])
                err = classify_failure(stream.head.status, body, stream.head.retry_after, inst.id)
                raise _switch_if_gated(inst, err)
            async with aclosing(self._events(stream, inst, job, started)) as events:
                async for event in events:
                    yield event
            ok = True
            inst.pace.succeeded()
        except UpstreamError as err:
            self._on_failure(inst, err)
            raise
        except ClientError:
            ok = True  # the site rejected the content; the instance itself is fine
            raise
        finally:
            self._finish(lease, inst, stream, ok, job.clock() - started)

    async def _events(
        self, stream: UpstreamStream, inst: Instance, job: ChatJob, started: float
    ) -> AsyncGenerator[ClientEvent, None]:
        parser = StreamParser()
        seen = _Seen()
        async with aclosing(stream.chunks()) as chunks:
            async for chunk in chunks:
                for event in parser.feed(chunk):
                    if (passed := _accept(event, inst, job, started, seen)) is not None:
                        yield passed
        for event in parser.finish():
            if (passed := _accept(event, inst, job, started, seen)) is not None:
                yield passed
        if not seen.finished:
            raise StreamCut(
                f"{inst.id}: the stream ended without a finish line", instance_id=inst.id
            )
        if not seen.content:
            raise EmptyAnswer(
                f"{inst.id}: the site finished without an answer", instance_id=inst.id
            )

    def _on_failure(self, inst: Instance, err: UpstreamError) -> None:
        inst.note_error(err.message)
        self._pool.on_upstream_error(err.label)
        if isinstance(err, SiteUiMismatch):
            self._pool.mark_broken(inst, err.message)
        elif isinstance(err, PromptFailed):
            inst.pace.refused(Refusal.PROMPT_FAILED)
            self._pool.rest(inst, f"penalised: {err.message}")
        elif isinstance(err, TokenRefused):
            inst.pace.refused(Refusal.RECAPTCHA)
            self._pool.rest(inst, f"penalised: {err.message}")
        elif isinstance(err, CoolDown):
            inst.pace.refused(Refusal.RATE_LIMITED, err.retry_after_s)
            self._pool.rest(inst, err.message)
        elif isinstance(err, NeedsAttention):
            self._pool.park(inst, err.message)
        elif isinstance(err, SessionRejected) and inst.spec.account:
            self._pool.expire_login(inst, f"login expired: {err.message}")  # never replaced
        elif isinstance(err, SessionRejected):
            # The site no longer accepts this session: start a fresh one, drain this one.
            if inst.usable:
                self._pool.recycle(inst, f"session rejected: {err.message}")
        elif isinstance(err, InstanceFailed | UpstreamTimeout | UpstreamServerError):
            self._pool.mark_failed(inst, err.message)

    def _finish(
        self,
        lease: Lease,
        inst: Instance,
        stream: UpstreamStream | None,
        ok: bool,
        elapsed: float,
    ) -> None:
        # Runs on success, failure and cancellation alike: the slot is freed synchronously,
        # the in-page abort runs in the background so a cancelled client never blocks it.
        inst.finish_request(ok, elapsed)
        self._pool.dispatcher.release(lease, elapsed if ok else None)
        if stream is not None and not ok:
            task = asyncio.get_running_loop().create_task(stream.aclose())
            self._bg.add(task)
            task.add_done_callback(self._bg.discard)


def _accept(
    event: StreamEvent, inst: Instance, job: ChatJob, started: float, seen: _Seen
) -> ClientEvent | None:
    """The event to pass on, or None; raises for an in-stream error (a3:)."""
    match event:
        case MalformedLine():
            log.debug("%s: skipped malformed line (%s)", inst.id, event.reason)
            return None
        case StreamErrorEvent():
            cls = UpstreamStreamError if seen.content else UpstreamServerError
            raise cls(f"{inst.id}: the site reported: {event.message}", instance_id=inst.id)
        case Finish():
            seen.finished = True
            return event  # the end of an answer, not an answer
        case Citation():
            pass  # sources are not the answer: they do not start the clock for TTFT
        case TextDelta() | ReasoningDelta() | ImageOutput():
            _first_token(job, inst, started)
        case _:
            assert_never(event)
    seen.content = True
    return event


def _first_token(job: ChatJob, inst: Instance, started: float) -> None:
    if job.route.first_token_at is None:
        job.route.first_token_at = job.clock()
        inst.note_first_token(job.route.first_token_at - started)  # this attempt only

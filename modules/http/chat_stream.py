"""A chat completion streamed as OpenAI chunks over SSE, keep-alive comments while queued."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from ..errors import BridgeError
from ..openai_api.chunks import ChunkBuilder
from ..openai_api.errors import error_reply
from ..openai_api.event_chunks import event_chunks
from ..service.chat_job import ChatJob
from ..upstream.events import ClientEvent
from .disconnect import abandon, wait_or_disconnect
from .errors import error_response

log = logging.getLogger(__name__)


async def stream_response(
    job: ChatJob, request: Request, keepalive_s: float, grace_s: float
) -> Response:
    """Start the SSE response once the first event (or an early error) is known."""
    first = asyncio.ensure_future(anext(job.events))
    # Until the response starts (sse-starlette watches after that), watch for a client
    # that leaves while queued or before the first byte, so its slot is not held.
    if await wait_or_disconnect(first, request, keepalive_s, job):
        await abandon(first, job)
        await job.events.aclose()
        return Response(status_code=499)
    if first.done() and first.exception() is not None:
        err = first.exception()
        early = None if isinstance(err, StopAsyncIteration) else err
        job.finish(early)
        if isinstance(early, BridgeError):
            return error_response(early, job.route.headers())
        if early is not None:
            raise early
    # On SIGTERM sse-starlette would cut every stream at once; give running answers the
    # shutdown grace period to finish instead (uvicorn waits for them, then the lifespan).
    return EventSourceResponse(
        _SseStream(job, first, keepalive_s).run(),
        headers={**job.route.headers(), "Cache-Control": "no-cache"},
        ping=None,
        shutdown_grace_period=grace_s,
    )


class _SseStream:
    """The body of one streamed completion; records the job when it ends, however."""

    def __init__(self, job: ChatJob, first: asyncio.Future[ClientEvent], keepalive_s: float):
        self._job = job
        self._first = first
        self._keepalive_s = keepalive_s
        self._builder = ChunkBuilder(job.request.model, job.id)

    async def run(self) -> AsyncIterator[Any]:
        err: BaseException | None = None
        cancelled = False
        try:
            async with aclosing(self._body()) as body:
                async for item in body:
                    yield item
        except BridgeError as failure:
            err = failure
            log.info("stream %s ended with error: %s", self._job.id, failure.message)
            yield _data(error_reply(failure).body)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as unexpected:  # recorded as a 500, then the server logs it
            err = unexpected
            raise
        finally:
            await self._close(err, cancelled)
        await self._job.recorded()  # the last byte leaves only once the row is durable
        yield {"data": "[DONE]"}

    async def _body(self) -> AsyncGenerator[Any, None]:
        job, builder = self._job, self._builder
        while not self._first.done():
            yield ServerSentEvent(comment="waiting for a free instance")
            await asyncio.wait({self._first}, timeout=self._keepalive_s)
        if job.route.queue_wait_s:
            yield ServerSentEvent(comment=_routed(job))
        yield _data(builder.role_chunk())
        event = _result(self._first)
        while event is not None:
            for chunk in event_chunks(event, builder, job.answer):
                yield _data(chunk)
            event = await anext(job.events, None)
        yield _data(builder.finish_chunk(job.answer.finish_reason))
        if job.request.include_usage:
            yield _data(builder.usage_chunk(job.usage()))

    async def _close(self, err: BaseException | None, cancelled: bool) -> None:
        if not self._first.done():
            self._first.cancel()
        # The client may be gone and this task cancelled: shield the cleanup so the
        # upstream call is aborted and the slot freed now, not at garbage collection.
        with anyio.move_on_after(10, shield=True):
            await asyncio.gather(self._first, return_exceptions=True)
            await self._job.events.aclose()
        self._job.finish(err, cancelled=cancelled)


def _result(first: asyncio.Future[ClientEvent]) -> ClientEvent | None:
    try:
        return first.result()
    except StopAsyncIteration:
        return None


def _routed(job: ChatJob) -> str:
    route = job.route
    return (
        f"routed to {route.instance_id} by {route.strategy} "
        f"after {route.queue_wait_s * 1000:.0f} ms in queue"
    )


def _data(payload: dict[str, Any]) -> dict[str, str]:
    return {"data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}

"""An answer streamed over SSE in any OpenAI-style surface, keep-alives while queued.

The surface (chat chunks, Responses events, legacy completion chunks, Messages events)
maps outputs to payloads; this module owns the SSE mechanics: wait for the first output
(an early error is a plain JSON error response), keep-alives, disconnects, and recording
the request exactly once however the stream ends.
"""

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
from ..openai_api.shaped_answer import Output
from ..openai_api.surfaces import Surface
from ..service.agent_call import AgentCall
from .disconnect import abandon, wait_or_disconnect
from .errors import error_response

log = logging.getLogger(__name__)


async def stream_response(
    call: AgentCall, request: Request, surface: Surface, keepalive_s: float, grace_s: float
) -> Response:
    """Start the SSE response once the first output (or an early error) is known.

    A buffered answer (JSON or a required call) sends nothing, not even keep-alives,
    before it was checked: a failed check is then a real 422, never a 200 stream.
    """
    outputs = call.outputs()
    first = asyncio.ensure_future(anext(outputs))
    wait_s = None if call.plan.buffered else keepalive_s
    # Until the response starts (sse-starlette watches after that), watch for a client
    # that leaves while queued or before the first byte, so its slot is not held.
    if await wait_or_disconnect(first, request, wait_s, call):
        await abandon(first, call)
        await outputs.aclose()
        return Response(status_code=499)
    if first.done() and first.exception() is not None:
        err = first.exception()
        early = None if isinstance(err, StopAsyncIteration) else err
        if early is not None:
            call.finish(early)
            if isinstance(early, BridgeError):
                return error_response(early, call.route.headers())
            raise early
    body = _SseStream(call, surface, outputs, first, keepalive_s)
    # On SIGTERM sse-starlette would cut every stream at once; give running answers the
    # shutdown grace period to finish instead (uvicorn waits for them, then the lifespan).
    return EventSourceResponse(
        body.run(),
        headers={**call.route.headers(), "Cache-Control": "no-cache"},
        ping=None,
        shutdown_grace_period=grace_s,
    )


class _SseStream:
    """The body of one streamed answer; records the request when it ends, however."""

    def __init__(
        self,
        call: AgentCall,
        surface: Surface,
        outputs: AsyncGenerator[Output, None],
        first: asyncio.Future[Output],
        keepalive_s: float,
    ) -> None:
        self._call = call
        self._surface = surface
        self._outputs = outputs
        self._first = first
        self._keepalive_s = keepalive_s

    async def run(self) -> AsyncIterator[Any]:
        err: BaseException | None = None
        cancelled = False
        try:
            async with aclosing(self._body()) as body:
                async for item in body:
                    yield item
        except BridgeError as failure:
            err = failure
            log.info("stream %s ended with error: %s", self._call.id, failure.message)
            for payload in self._surface.failure(failure):
                yield _sse(payload)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as unexpected:  # recorded as a 500, then the server logs it
            err = unexpected
            raise
        finally:
            await self._close(err, cancelled)
        await self._call.job.recorded()  # the last byte leaves only once the row is durable
        if self._surface.done_marker:
            yield {"data": "[DONE]"}

    async def _body(self) -> AsyncGenerator[Any, None]:
        while not self._first.done():
            ping = self._surface.keepalive()
            yield (
                ServerSentEvent(comment="waiting for a free instance")
                if ping is None
                else _sse(ping)
            )
            await asyncio.wait({self._first}, timeout=self._keepalive_s)
        if self._call.route.queue_wait_s:
            yield ServerSentEvent(comment=_routed(self._call))
        for payload in self._surface.opening():
            yield _sse(payload)
        output = _result(self._first)
        while output is not None:
            for payload in self._surface.chunks(output):
                yield _sse(payload)
            output = await anext(self._outputs, None)
        for payload in self._surface.closing(self._call.answer, self._call.usage()):
            yield _sse(payload)

    async def _close(self, err: BaseException | None, cancelled: bool) -> None:
        if not self._first.done():
            self._first.cancel()
        # The client may be gone and this task cancelled: shield the cleanup so the
        # upstream call is aborted and the slot freed now, not at garbage collection.
        with anyio.move_on_after(10, shield=True):
            await asyncio.gather(self._first, return_exceptions=True)
            await self._outputs.aclose()
        self._call.finish(err, cancelled=cancelled)


def _result(first: asyncio.Future[Output]) -> Output | None:
    try:
        return first.result()
    except StopAsyncIteration:
        return None


def _routed(call: AgentCall) -> str:
    route = call.route
    return (
        f"routed to {route.instance_id} by {route.strategy} "
        f"after {route.queue_wait_s * 1000:.0f} ms in queue"
    )


def _sse(payload: tuple[str | None, dict[str, Any]]) -> ServerSentEvent | dict[str, str]:
    event, data = payload
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return ServerSentEvent(data=text, event=event) if event else {"data": text}

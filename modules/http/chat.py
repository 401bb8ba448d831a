"""POST /v1/chat/completions: streamed as OpenAI chunks over SSE, or one JSON object."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from ..app.coordinator import Coordinator
from ..errors import BadRequest, BridgeError, ShuttingDown
from ..observability.log_entry import PRIVATE
from ..openai_api.chunks import ChunkBuilder, build_completion, image_markdown
from ..openai_api.convert import to_chat_turns
from ..openai_api.errors import error_reply
from ..openai_api.schema import ChatCompletionRequest, validate_request
from ..service.outcome import Outcome
from ..service.runner import RouteInfo
from ..upstream.events import Finish, ImageOutput, ReasoningDelta, StreamEvent, TextDelta
from .errors import error_response

log = logging.getLogger(__name__)


async def read_json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None


async def chat_completions(request: Request) -> Response:
    coord: Coordinator = request.app.state.coordinator
    req = validate_request(await read_json(request))
    if not coord.accepting:
        raise ShuttingDown("The bridge is shutting down.", retry_after_s=5)
    model = await coord.catalog.resolve(req.model, coord.config.arena.page_load_timeout_s)
    turns = to_chat_turns(req, model, url_allowlist=coord.config.arena.attachment_url_allowlist)
    outcome = Outcome(req.model, [t.text for t in turns], req.stream)
    if coord.config.logging.log_prompts:  # off by default: prompts are private
        text = turns[-1].text[:2000]  # private: stderr only, never the console or the feed
        log.info("%s prompt for %s: %r", outcome.request_id, req.model, text, extra=PRIVATE)
    route = RouteInfo()
    events = coord.runner.run(model, turns, route)
    if req.stream:
        return await _stream(coord, req, events, route, outcome, request)
    return await _complete(coord, req, events, route, outcome, request)


async def _until_disconnect(request: Request) -> bool:
    """Return True once the client has gone away (its body was already read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    return True


def _client_left(watch: asyncio.Future[bool]) -> bool:
    return watch.done() and not watch.cancelled() and watch.exception() is None


async def _wait_or_disconnect(
    work: asyncio.Future[Any],
    request: Request,
    wait_s: float | None,
    coord: Coordinator,
    outcome: Outcome,
    route: RouteInfo,
) -> bool:
    """Wait for `work` (at most `wait_s`) while watching the client; True if it left first.

    If this handler is cancelled meanwhile, the work is abandoned and the cancel goes on.
    """
    gone = asyncio.ensure_future(_until_disconnect(request))
    try:
        await asyncio.wait({work, gone}, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        await _abandon(work, coord, outcome, route)
        raise
    finally:
        gone.cancel()
    return _client_left(gone) and not work.done()


async def _abandon(
    work: asyncio.Future[Any], coord: Coordinator, outcome: Outcome, route: RouteInfo
) -> None:
    """Cancel work nobody waits for (upstream aborted, slot freed) and record it as 499."""
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    _finish(coord, outcome, route, None, cancelled=True)


def _apply(event: StreamEvent, outcome: Outcome) -> None:
    if isinstance(event, TextDelta):
        outcome.text.append(event.text)
    elif isinstance(event, ReasoningDelta):
        outcome.reasoning.append(event.text)
    elif isinstance(event, ImageOutput):
        outcome.text.append(image_markdown(event.urls))
    elif isinstance(event, Finish):
        outcome.finish_reason = event.openai_reason


def _finish(
    coord: Coordinator,
    outcome: Outcome,
    route: RouteInfo,
    err: BaseException | None,
    cancelled: bool = False,
) -> None:
    if cancelled:
        status, kind = 499, "client_closed"
    elif err is None:
        status, kind = 200, None
    elif isinstance(err, BridgeError):
        status, kind = err.status, err.label
    else:
        status, kind = 500, "internal"
    rec = outcome.record(route, status, kind)
    if rec is not None:
        coord.obs.record_request(rec)


async def _collect(events: AsyncGenerator[StreamEvent, None], outcome: Outcome) -> None:
    async for event in events:
        _apply(event, outcome)


async def _complete(
    coord: Coordinator,
    req: ChatCompletionRequest,
    events: AsyncGenerator[StreamEvent, None],
    route: RouteInfo,
    outcome: Outcome,
    request: Request,
) -> Response:
    # Nothing is sent before the end, so the server would not notice a client that leaves:
    # race the work against a disconnect, and cancel it (abort upstream, free the slot).
    work = asyncio.ensure_future(_collect(events, outcome))
    if await _wait_or_disconnect(work, request, None, coord, outcome, route):
        await _abandon(work, coord, outcome, route)
        return Response(status_code=499)  # nobody is left to read it
    try:
        work.result()
    except BridgeError as err:
        _finish(coord, outcome, route, err)
        return error_response(err, route.headers())
    _finish(coord, outcome, route, None)
    body = build_completion(
        req.model,
        outcome.completion_text,
        "".join(outcome.reasoning),
        outcome.finish_reason,
        outcome.usage(),
        outcome.request_id,
    )
    return JSONResponse(body, headers=route.headers())


async def _stream(
    coord: Coordinator,
    req: ChatCompletionRequest,
    events: AsyncGenerator[StreamEvent, None],
    route: RouteInfo,
    outcome: Outcome,
    request: Request,
) -> Response:
    keepalive = coord.config.queue.keepalive_interval_s
    first = asyncio.ensure_future(anext(events))
    # Until the response starts (sse-starlette watches after that), watch for a client
    # that leaves while queued or before the first byte, so its slot is not held.
    if await _wait_or_disconnect(first, request, keepalive, coord, outcome, route):
        await _abandon(first, coord, outcome, route)
        await events.aclose()
        return Response(status_code=499)
    if first.done() and first.exception() is not None:
        err = first.exception()
        if isinstance(err, StopAsyncIteration):
            err = None
        _finish(coord, outcome, route, err)
        if isinstance(err, BridgeError):
            return error_response(err, route.headers())
        if err is not None:
            raise err
    builder = ChunkBuilder(req.model, outcome.request_id)
    gen = _sse(coord, req, events, first, route, outcome, builder, keepalive)
    # On SIGTERM sse-starlette would cut every stream at once; give running answers the
    # shutdown grace period to finish instead (uvicorn waits for them, then the lifespan).
    return EventSourceResponse(
        gen,
        headers={**route.headers(), "Cache-Control": "no-cache"},
        ping=None,
        shutdown_grace_period=coord.config.shutdown.grace_s,
    )


async def _sse(
    coord: Coordinator,
    req: ChatCompletionRequest,
    events: AsyncGenerator[StreamEvent, None],
    first: asyncio.Future[StreamEvent],
    route: RouteInfo,
    outcome: Outcome,
    builder: ChunkBuilder,
    keepalive: float,
) -> AsyncIterator[Any]:
    err: BaseException | None = None
    cancelled = False
    try:
        while not first.done():
            yield ServerSentEvent(comment="waiting for a free instance")
            await asyncio.wait({first}, timeout=keepalive)
        if route.queue_wait_s:
            yield ServerSentEvent(
                comment=f"routed to {route.instance_id} by {route.strategy} "
                f"after {route.queue_wait_s * 1000:.0f} ms in queue"
            )
        yield _data(builder.role_chunk())
        try:
            event: StreamEvent | None = first.result()
        except StopAsyncIteration:
            event = None
        while event is not None:
            _apply(event, outcome)
            for chunk in _chunks(event, builder):
                yield _data(chunk)
            event = await anext(events, None)
        yield _data(builder.finish_chunk(outcome.finish_reason))
        if req.include_usage:
            yield _data(builder.usage_chunk(outcome.usage()))
    except BridgeError as failure:
        err = failure
        log.info("stream %s ended with error: %s", outcome.request_id, failure.message)
        yield _data(error_reply(failure).body)
    except asyncio.CancelledError:
        cancelled = True
        raise
    except Exception as unexpected:  # recorded as a 500, then the server logs it
        err = unexpected
        raise
    finally:
        if not first.done():
            first.cancel()
        # The client may be gone and this task cancelled: shield the cleanup so the
        # upstream call is aborted and the slot freed now, not at garbage collection.
        with anyio.move_on_after(10, shield=True):
            await asyncio.gather(first, return_exceptions=True)
            await events.aclose()
        _finish(coord, outcome, route, err, cancelled)
    yield {"data": "[DONE]"}


def _chunks(event: StreamEvent, builder: ChunkBuilder) -> list[dict[str, Any]]:
    if isinstance(event, TextDelta) and event.text:
        return [builder.content_chunk(event.text)]
    if isinstance(event, ReasoningDelta) and event.text:
        return [builder.reasoning_chunk(event.text)]
    if isinstance(event, ImageOutput):
        return [builder.content_chunk(image_markdown(event.urls))]
    return []


def _data(payload: dict[str, Any]) -> dict[str, str]:
    return {"data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}

"""POST /v1/chat/completions: validate, submit to the coordinator, map, respond."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..errors import BadRequest, BridgeError
from ..openai_api.event_chunks import completion_body
from ..openai_api.schema import validate_request
from ..service.chat_job import ChatJob
from .chat_stream import stream_response
from .deps import CoordinatorDep
from .disconnect import abandon, wait_or_disconnect
from .errors import error_response


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json(request: Request) -> Any:
    try:  # NaN/Infinity are Python's extension, not JSON: no setting may become infinite
        return json.loads(await request.body(), parse_constant=_no_constant)
    except (ValueError, RecursionError):  # nesting deeper than the parser's stack
        raise BadRequest("The request body is not valid JSON.") from None


async def chat_completions(request: Request, coord: CoordinatorDep) -> Response:
    req = validate_request(await read_json(request))
    job = await coord.submit(req)
    if req.stream:
        config = coord.config
        return await stream_response(
            job, request, config.queue.keepalive_interval_s, config.shutdown.grace_s
        )
    return await _complete(job, request)


async def _drain(job: ChatJob) -> None:
    async for _event in job.events:
        pass  # the runner folds every event into job.answer


async def _complete(job: ChatJob, request: Request) -> Response:
    # Nothing is sent before the end, so the server would not notice a client that leaves:
    # race the work against a disconnect, and cancel it (abort upstream, free the slot).
    work = asyncio.ensure_future(_drain(job))
    if await wait_or_disconnect(work, request, None, job):
        await abandon(work, job)
        return Response(status_code=499)  # nobody is left to read it
    try:
        work.result()
    except BridgeError as err:
        job.finish(err)
        return error_response(err, job.route.headers())
    job.finish(None)
    await job.recorded()  # the answer leaves only once its history row is durable
    body = completion_body(job.answer, job.request.model, job.usage(), job.id)
    return JSONResponse(body, headers=job.route.headers())

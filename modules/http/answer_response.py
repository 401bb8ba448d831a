"""One answer, streamed or whole, for any API surface: submit, shape, respond, record."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..app.coordinator import Coordinator
from ..errors import BridgeError
from ..openai_api.matchup_id import check_matchup_request
from ..openai_api.schema import ChatCompletionRequest
from ..openai_api.surfaces import Surface
from ..service.agent_call import AgentCall
from .chat_stream import stream_response
from .client_facts import endpoint_of, user_agent
from .disconnect import abandon, wait_or_disconnect
from .errors import error_response

Body = Callable[[AgentCall], dict[str, Any]]  # the non-stream response of a finished call


async def respond(
    request: Request,
    coord: Coordinator,
    req: ChatCompletionRequest,
    surface: Callable[[AgentCall], Surface],
    body: Body,
) -> Response:
    """Submit `req` and answer in the surface's stream format or as one JSON body."""
    client = (user_agent(request), endpoint_of(request.url.path))
    check_matchup_request(req, client[1])
    call = await AgentCall.open(coord.submit, req, client)
    if req.stream:
        config = coord.config
        return await stream_response(
            call, request, surface(call), config.queue.keepalive_interval_s, config.shutdown.grace_s
        )
    return await _complete(call, request, body)


async def _drain(call: AgentCall) -> None:
    async for _output in call.outputs():
        pass  # every output is folded into call.answer


async def _complete(call: AgentCall, request: Request, body: Body) -> Response:
    # Nothing is sent before the end, so the server would not notice a client that leaves:
    # race the work against a disconnect, and cancel it (abort upstream, free the slot).
    work = asyncio.ensure_future(_drain(call))
    if await wait_or_disconnect(work, request, None, call):
        await abandon(work, call)
        return Response(status_code=499)  # nobody is left to read it
    try:
        work.result()
    except BridgeError as err:
        call.finish(err)
        return error_response(err, call.route.headers())
    call.finish(None)
    await call.job.recorded()  # the answer leaves only once its history row is durable
    return JSONResponse(body(call), headers=call.route.headers())

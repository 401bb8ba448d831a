"""POST /v1/chat/completions: validate, then answer through the shared answer path."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..errors import BadRequest
from ..openai_api.battle_output import arena_opening
from ..openai_api.chat_output import ChatChunks, chat_completion
from ..openai_api.chunks import ChunkBuilder
from ..openai_api.matchup_id import with_arena_field
from ..openai_api.schema import validate_request
from ..openai_api.surfaces import ChatSurface
from ..service.agent_call import AgentCall
from .answer_response import respond
from .client_facts import remember_model
from .deps import CoordinatorDep


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json(request: Request) -> Any:
    try:  # NaN/Infinity are Python's extension, not JSON: no setting may become infinite
        return json.loads(await request.body(), parse_constant=_no_constant)
    except (ValueError, RecursionError):  # nesting deeper than the parser's stack
        raise BadRequest("The request body is not valid JSON.") from None


async def chat_completions(request: Request, coord: CoordinatorDep) -> Response:
    raw = await read_json(request)
    remember_model(request, raw)
    req = with_arena_field(validate_request(raw))  # served (and echoed) under one model id
    fmt = coord.config.openai.reasoning_format

    def surface(call: AgentCall) -> ChatSurface:
        builder = ChunkBuilder(req.model, call.id)
        arena = arena_opening(call.job.model, call.job.matchup)
        return ChatSurface(ChatChunks(builder, fmt, req.include_usage, arena))

    def body(call: AgentCall) -> dict[str, Any]:
        arena = arena_opening(call.job.model, call.job.matchup)
        return chat_completion(call.answer, fmt, req.model, call.usage(), call.id, arena)

    return await respond(request, coord, req, surface, body)

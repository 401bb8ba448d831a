"""POST /v1/responses: translated onto the chat path; answers kept for previous_response_id."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..app.coordinator import Coordinator
from ..errors import BadRequest, NotFound
from ..openai_api.answer_shaper import Piece
from ..openai_api.responses_events import ResponseBuilder
from ..openai_api.responses_request import reusable_items, stored_conversation, to_chat_body
from ..openai_api.schema import validate_request
from ..openai_api.shaped_answer import ShapedAnswer
from ..openai_api.surfaces import Payload, ResponsesSurface
from ..service.agent_call import AgentCall
from ..util.clip import quoted
from .answer_response import respond
from .chat import read_json
from .client_facts import remember_model
from .deps import CoordinatorDep

# Chat field names in errors, as the Responses API calls them.
_PARAMS = (
    (re.compile(r"^tools\[(\d+)\]\.function\."), r"tools[\1]."),
    (re.compile(r"^response_format\.json_schema\."), "text.format."),
    (re.compile(r"^response_format"), "text.format"),
    (re.compile(r"^max_tokens$"), "max_output_tokens"),
    (re.compile(r"^messages"), "input"),
)


async def create_response(request: Request, coord: CoordinatorDep) -> Response:
    raw = await read_json(request)
    remember_model(request, raw)
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    previous = _previous(coord, raw.get("previous_response_id"))
    try:
        req = validate_request(to_chat_body(raw, previous, coord.responses.item))
    except BadRequest as err:
        raise _renamed(err) from None
    builder = ResponseBuilder(raw)
    keep = raw.get("store", True) is not False

    def store(answer: ShapedAnswer) -> None:
        if keep:
            kept = stored_conversation(raw, previous, answer.text, answer.calls)
            coord.responses.put(builder.response["id"], kept, reusable_items(builder.response))

    def surface(_call: AgentCall) -> _StoringSurface:
        return _StoringSurface(builder, store)

    def body(call: AgentCall) -> dict[str, Any]:
        events = _StoringSurface(builder, store)
        events.opening()
        for piece in _pieces(call.answer):
            events.chunks(piece)
        events.closing(call.answer, call.usage())
        return builder.response

    return await respond(request, coord, req, surface, body)


class _StoringSurface(ResponsesSurface):
    """Responses events; the finished response is stored for previous_response_id."""

    def __init__(self, builder: ResponseBuilder, store: Callable[[ShapedAnswer], None]) -> None:
        super().__init__(builder)
        self._store = store

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]:
        payloads = super().closing(answer, usage)
        self._store(answer)
        return payloads


def _pieces(answer: ShapedAnswer) -> list[Piece]:
    """The whole answer as pieces, to build a non-stream response with the same builder."""
    pieces = [Piece("reasoning", answer.reasoning_text)] if answer.reasoning_text else []
    return pieces + ([Piece("text", answer.text)] if answer.text else [])


def _previous(coord: Coordinator, response_id: object) -> list[dict[str, Any]]:
    if response_id is None:
        return []
    found = coord.responses.get(str(response_id))
    if found is None:
        raise NotFound(
            f"previous_response_id {quoted(response_id)} was not found (unknown, expired, or "
            "created with store: false).",
            param="previous_response_id",
        )
    return found


def _renamed(err: BadRequest) -> BadRequest:
    param = err.param or ""
    for pattern, replacement in _PARAMS:
        param = pattern.sub(replacement, param)
    message = err.message.replace(err.param or "\0", param) if err.param else err.message
    return BadRequest(message, param=param or None, code=err.code)

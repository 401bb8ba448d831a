"""POST /v1/completions (legacy) and POST /v1/messages (Anthropic), on the chat path."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..openai_api import anthropic_messages, legacy_completions
from ..openai_api.anthropic_stream import MessageEvents
from ..openai_api.schema import validate_request
from ..openai_api.surfaces import CompletionsSurface, MessagesSurface
from ..service.agent_call import AgentCall
from .answer_response import respond
from .chat import read_json
from .client_facts import remember_model
from .deps import CoordinatorDep


async def create_completion(request: Request, coord: CoordinatorDep) -> Response:
    raw = await read_json(request)
    remember_model(request, raw)
    req = validate_request(legacy_completions.to_chat_body(raw))
    echo = req.messages[0].text if raw.get("echo") else ""
    completion_id = legacy_completions.new_completion_id()

    def surface(_call: AgentCall) -> CompletionsSurface:
        return CompletionsSurface(req.model, completion_id, echo)

    def body(call: AgentCall) -> dict[str, Any]:
        text = echo + call.answer.text
        finish = call.answer.finish_reason
        return legacy_completions.text_completion(
            req.model, text, finish, call.usage(), completion_id
        )

    return await respond(request, coord, req, surface, body)


async def create_message(request: Request, coord: CoordinatorDep) -> Response:
    raw = await read_json(request)
    remember_model(request, raw)
    req = validate_request(anthropic_messages.to_chat_body(raw))
    thinking = anthropic_messages.wants_thinking(raw)

    def surface(call: AgentCall) -> MessagesSurface:
        return MessagesSurface(MessageEvents(req.model, thinking=thinking), call.usage)

    def body(call: AgentCall) -> dict[str, Any]:
        return anthropic_messages.message_object(
            req.model, call.answer, call.usage(), thinking=thinking
        )

    return await respond(request, coord, req, surface, body)

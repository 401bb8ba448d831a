"""Builds the upstream request bodies (SPEC §4) from a conversation; pure apart from new ids."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from modules.errors import BadRequest
from modules.upstream import protocol
from modules.upstream.ids import uuid7
from modules.upstream.matchup import Matchup
from modules.upstream.models import ArenaModel

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a message; `url` is a data URI or an allowed remote URL."""

    name: str
    content_type: str
    url: str


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """One message of the conversation, already in upstream terms."""

    role: Role
    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """Everything the page needs to send one upstream request."""

    method: str
    path: str
    body: dict[str, Any] = field(hash=False)
    session_id: str
    user_message_id: str
    model_message_id: str


def build_create_evaluation(
    turns: Sequence[ChatTurn],
    model: ArenaModel,
    *,
    session_id: str | None = None,
    matchup: Matchup | None = None,
) -> UpstreamCall:
    """Build the call that starts a new conversation carrying the full history."""
    path = protocol.CREATE_EVALUATION_PATH
    return _build("POST", path, session_id or uuid7(), turns, model, matchup)


def build_post_to_evaluation(
    session_id: str, turns: Sequence[ChatTurn], model: ArenaModel, matchup: Matchup | None = None
) -> UpstreamCall:
    """Build the call that adds a turn to an existing conversation."""
    path = protocol.POST_TO_EVALUATION_PATH.format(session_id=session_id)
    return _build("POST", path, session_id, turns, model, matchup)


def body_to_text(body: dict[str, Any]) -> str:
    """Serialise a body as compact JSON (the page sends it as text/plain)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _build(
    method: str,
    path: str,
    session_id: str,
    turns: Sequence[ChatTurn],
    model: ArenaModel,
    matchup: Matchup | None,
) -> UpstreamCall:
    if not turns or turns[-1].role != "user":
        raise BadRequest("The last message must be a user message.", param="messages")

    def message(message_id: str, turn: ChatTurn, parent: str | None, status: str) -> dict[str, Any]:
        return _message(message_id, turn, parent, session_id, model, status)

    messages: list[dict[str, Any]] = []
    parent: str | None = None
    # Ids are minted in conversation order so the time-ordered UUIDs sort like the chat.
    for turn in turns[:-1]:
        messages.append(message(uuid7(), turn, parent, protocol.STATUS_SUCCESS))
        parent = messages[-1]["id"]
    user_id, model_msg_id = uuid7(), uuid7()
    messages.append(message(user_id, turns[-1], parent, protocol.STATUS_PENDING))
    placeholder = ChatTurn("assistant", "")
    messages.append(message(model_msg_id, placeholder, user_id, protocol.STATUS_PENDING))
    body: dict[str, Any] = {
        "id": session_id,
        "mode": matchup.mode if matchup else protocol.MODE_DIRECT,
        "modelAId": model.id or None,  # none in a blind battle: the site assigns both
        "userMessageId": user_id,
        "modelAMessageId": model_msg_id,
        "modelBMessageId": uuid7(),
        "messages": messages,
        "modality": model.modality,
        protocol.PAGE_TOKEN_FIELD: None,  # the page's own code fills it; the bridge never does
    }
    if matchup is not None and matchup.model_b is not None:
        body[protocol.MODEL_B_ID_FIELD] = matchup.model_b.id
    return UpstreamCall(method, path, body, session_id, user_id, model_msg_id)


def _message(
    message_id: str,
    turn: ChatTurn,
    parent: str | None,
    session_id: str,
    model: ArenaModel,
    status: str,
) -> dict[str, Any]:
    return {
        "id": message_id,
        "role": turn.role,
        "content": turn.text,
        "experimental_attachments": [
            {"name": a.name, "contentType": a.content_type, "url": a.url} for a in turn.attachments
        ],
        "parentMessageIds": [parent] if parent else [],
        "participantPosition": "a",
        "modelId": (model.id or None) if turn.role == "assistant" else None,
        "evaluationSessionId": session_id,
        "status": status,
        "failureReason": None,
    }

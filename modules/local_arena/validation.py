"""Parse and check a stream request body the way the real site does (SPEC §4)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, cast

from ..upstream import protocol
from . import catalog

_ROLES = {"user", "assistant", "system"}
_MODALITY_FOR_OUTPUT = {
    "text": protocol.MODALITY_CHAT,
    "image": protocol.MODALITY_IMAGE,
    "search": protocol.MODALITY_SEARCH,
}


class InvalidBody(ValueError):
    """The body is malformed; the message says which field and why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class EvaluationRequest:
    """The parts of a valid stream request the arena acts on."""

    body: dict[str, Any]
    session_id: str
    model: dict[str, Any]
    last_user_text: str
    page_token: str


def parse_json(raw: bytes) -> dict[str, Any]:
    """Decode the body (JSON sent as text/plain) into an object."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidBody(f"body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise InvalidBody("body must be a JSON object")
    return body


def _uuid_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidBody(f"{name} is required and must be a UUID string")
    try:
        uuid.UUID(value)
    except ValueError as exc:
        raise InvalidBody(f"{name} is not a UUID: {value!r}") from exc
    return value


def _check_message(msg: Any, index: int) -> None:
    if not isinstance(msg, dict):
        raise InvalidBody(f"messages[{index}] must be an object")
    _uuid_field(msg, "id")
    if msg.get("role") not in _ROLES:
        raise InvalidBody(f"messages[{index}].role must be one of {sorted(_ROLES)}")
    if not isinstance(msg.get("content"), str):
        raise InvalidBody(f"messages[{index}].content must be a string")
    attachments = msg.get("experimental_attachments", [])
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict) and {"name", "contentType", "url"} <= a.keys() for a in attachments
    ):
        raise InvalidBody(
            f"messages[{index}].experimental_attachments must be a list of "
            "{name, contentType, url}"
        )


def _check_pending_pair(body: dict[str, Any], messages: list[Any]) -> dict[str, Any]:
    """The last two messages: pending user message, then empty pending placeholder."""
    if len(messages) < 2:
        raise InvalidBody("messages must end with the pending user message and a placeholder")
    user, placeholder = messages[-2], messages[-1]
    if user["role"] != "user" or user["id"] != body["userMessageId"]:
        raise InvalidBody("messages[-2] must be the user message with id userMessageId")
    if placeholder["role"] != "assistant" or placeholder["id"] != body["modelAMessageId"]:
        raise InvalidBody("messages[-1] must be the assistant placeholder with id modelAMessageId")
    if placeholder["content"] != "" or placeholder.get("status") != protocol.STATUS_PENDING:
        raise InvalidBody("the assistant placeholder must be empty with status 'pending'")
    return cast(dict[str, Any], user)


def parse_request(
    raw: bytes, models: tuple[dict[str, Any], ...], path_session_id: str | None = None
) -> EvaluationRequest:
    """Validate a create/post-to-evaluation body; raises InvalidBody."""
    body = parse_json(raw)
    session_id = _uuid_field(body, "id")
    if path_session_id is not None and session_id != path_session_id:
        raise InvalidBody("id in the body differs from the session id in the path")
    if body.get("mode") != protocol.MODE_DIRECT:
        raise InvalidBody(f"mode must be {protocol.MODE_DIRECT!r} (battle is not served here)")
    model_id = _uuid_field(body, "modelAId")
    for name in ("userMessageId", "modelAMessageId"):
        _uuid_field(body, name)
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise InvalidBody("messages must be a list")
    for index, msg in enumerate(messages):
        _check_message(msg, index)
    user = _check_pending_pair(body, messages)
    model = catalog.find_model(models, model_id)
    if model is None:
        raise InvalidBody(f"unknown model: {model_id}")
    _check_modality(body, model, user)
    token = body.get(protocol.PAGE_TOKEN_FIELD)
    return EvaluationRequest(
        body=body,
        session_id=session_id,
        model=model,
        last_user_text=user["content"],
        page_token=token if isinstance(token, str) else "",
    )


def _check_modality(body: dict[str, Any], model: dict[str, Any], user: dict[str, Any]) -> None:
    """The modality must match the model's output; images only for image-input models."""
    wanted = _MODALITY_FOR_OUTPUT[catalog.output_kind(model)]
    if body.get("modality") != wanted:
        raise InvalidBody(f"modality must be {wanted!r} for model {model['publicName']}")
    if user.get("experimental_attachments") and not catalog.accepts_images(model):
        raise InvalidBody(f"model {model['publicName']} does not accept image input")

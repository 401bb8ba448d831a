"""What both body forms share: JSON decoding, field checks and the parsed request."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from ..upstream import protocol
from . import catalog

MESSAGE_ID_FIELDS = ("userMessageId", "modelAMessageId")
MODES = (
    protocol.MODE_DIRECT,
    protocol.MODE_DIRECT_BATTLE,
    protocol.MODE_SIDE_BY_SIDE,
    protocol.MODE_BATTLE,
)


class InvalidBody(ValueError):
    """The body is malformed; the message says which field and why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class EvaluationRequest:
    """The parts of a well-formed stream request the arena acts on."""

    body: dict[str, Any]
    session_id: str
    mode: str | None  # None: a follow-up that names no mode (2026)
    model_a: dict[str, Any] | None  # None when the body names none (battle, some follow-ups)
    model_b: dict[str, Any] | None
    text: str
    attachments: tuple[dict[str, Any], ...]


def parse_json(raw: bytes) -> dict[str, Any]:
    """Decode the body (JSON sent as text/plain) into an object."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidBody(f"body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise InvalidBody("body must be a JSON object")
    return body


def uuid_field(body: dict[str, Any], name: str, where: str = "") -> str:
    """A required UUID string field."""
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidBody(f"{where}{name} is required and must be a UUID string")
    try:
        uuid.UUID(value)
    except ValueError as exc:
        raise InvalidBody(f"{where}{name} is not a UUID: {value!r}") from exc
    return value


def session_id(body: dict[str, Any], path_session_id: str | None) -> str:
    """The body's `id`, which must match the path's session id on a follow-up."""
    value = uuid_field(body, "id")
    if path_session_id is not None and value != path_session_id:
        raise InvalidBody("id in the body differs from the session id in the path")
    return value


def attachments(message: dict[str, Any], where: str) -> tuple[dict[str, Any], ...]:
    """A message's `experimental_attachments`: a list of {name, contentType, url}."""
    value = message.get(protocol.ATTACHMENTS_FIELD, [])
    if not isinstance(value, list) or not all(
        isinstance(a, dict) and {"name", "contentType", "url"} <= a.keys() for a in value
    ):
        raise InvalidBody(
            f"{where}{protocol.ATTACHMENTS_FIELD} must be a list of {{name, contentType, url}}"
        )
    return tuple(value)


def body_mode(body: dict[str, Any]) -> str | None:
    """The body's mode, if it names one."""
    value = body.get("mode")
    if value is not None and value not in MODES:
        raise InvalidBody(f"mode must be one of {list(MODES)}")
    return value


def request(
    body: dict[str, Any],
    session: str,
    mode: str | None,
    message: dict[str, Any],
    where: str,
    models: tuple[dict[str, Any], ...],
) -> EvaluationRequest:
    """The parsed request once the body form's own checks have passed."""
    return EvaluationRequest(
        body=body,
        session_id=session,
        mode=mode,
        model_a=optional_model(body, "modelAId", models),
        model_b=optional_model(body, protocol.MODEL_B_ID_FIELD, models),
        text=message["content"],
        attachments=attachments(message, where),
    )


def optional_model(
    body: dict[str, Any], field_name: str, models: tuple[dict[str, Any], ...]
) -> dict[str, Any] | None:
    """The catalog model a body field names, None when the field is absent."""
    if body.get(field_name) is None:
        return None
    model = catalog.find_model(models, uuid_field(body, field_name))
    if model is None:
        raise InvalidBody(f"unknown model: {body[field_name]}")
    return model

"""The 2026 body: one `userMessage`, the history kept by the site (SPEC §4, 2026)."""

from __future__ import annotations

from typing import Any

from ..upstream import protocol
from . import validation
from .validation import EvaluationRequest, InvalidBody

_NEW_CHAT_MODES = (protocol.MODE_DIRECT_BATTLE, *protocol.BATTLE_MODES)


def _new_chat_mode(mode: str | None) -> str:
    if mode == protocol.MODE_DIRECT:
        raise InvalidBody(protocol.ERROR_DIRECT_ON_NEW_CHAT)
    if mode not in _NEW_CHAT_MODES:
        raise InvalidBody(f"a new conversation needs mode one of {list(_NEW_CHAT_MODES)}")
    return mode


def _user_message(body: dict[str, Any]) -> dict[str, Any]:
    message = body.get(protocol.USER_MESSAGE_FIELD)
    field = protocol.USER_MESSAGE_FIELD
    if not isinstance(message, dict):
        raise InvalidBody(f"{field} is required and must be an object")
    if not isinstance(message.get("content"), str):
        raise InvalidBody(f"{field}.content must be a string")
    if not isinstance(message.get("metadata", {}), dict):
        raise InvalidBody(f"{field}.metadata must be an object")
    return message


def parse_compact(
    body: dict[str, Any], models: tuple[dict[str, Any], ...], path_session_id: str | None
) -> EvaluationRequest:
    """Validate a 2026 create/post-to-evaluation body; raises InvalidBody."""
    sid = validation.session_id(body, path_session_id)
    mode = validation.body_mode(body)
    if path_session_id is None:
        mode = _new_chat_mode(mode)
        if mode != protocol.MODE_BATTLE:
            validation.uuid_field(body, "modelAId")
    for name in validation.MESSAGE_ID_FIELDS:
        validation.uuid_field(body, name)
    message = _user_message(body)
    where = f"{protocol.USER_MESSAGE_FIELD}."
    return validation.request(body, sid, mode, message, where, models)

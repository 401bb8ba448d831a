"""The 2025 body: the full history in `messages[]`, ending with a pending pair (SPEC §4)."""

from __future__ import annotations

from typing import Any, cast

from ..upstream import protocol
from . import validation
from .validation import EvaluationRequest, InvalidBody

_ROLES = {"user", "assistant", "system"}


def _check_message(msg: Any, index: int) -> None:
    if not isinstance(msg, dict):
        raise InvalidBody(f"messages[{index}] must be an object")
    validation.uuid_field(msg, "id", f"messages[{index}].")
    if msg.get("role") not in _ROLES:
        raise InvalidBody(f"messages[{index}].role must be one of {sorted(_ROLES)}")
    if not isinstance(msg.get("content"), str):
        raise InvalidBody(f"messages[{index}].content must be a string")
    validation.attachments(msg, f"messages[{index}].")


def _pending_user(body: dict[str, Any], messages: list[Any]) -> dict[str, Any]:
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


def parse_legacy(
    body: dict[str, Any], models: tuple[dict[str, Any], ...], path_session_id: str | None
) -> EvaluationRequest:
    """Validate a 2025 create/post-to-evaluation body; raises InvalidBody."""
    sid = validation.session_id(body, path_session_id)
    mode = validation.body_mode(body)
    if mode is None:
        raise InvalidBody(f"mode must be one of {list(validation.MODES)}")
    if mode != protocol.MODE_BATTLE:
        validation.uuid_field(body, "modelAId")
    for name in validation.MESSAGE_ID_FIELDS:
        validation.uuid_field(body, name)
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise InvalidBody("messages must be a list")
    for index, msg in enumerate(messages):
        _check_message(msg, index)
    user = _pending_user(body, messages)
    return validation.request(body, sid, mode, user, "", models)


def conversation_text(body: dict[str, Any]) -> str:
    """All message contents of a 2025 body joined by blank lines (the placeholder is empty)."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return ""
    return "\n\n".join(m["content"] for m in messages if isinstance(m, dict) and m.get("content"))

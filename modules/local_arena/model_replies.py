"""Which reply function answers for which model (the rest echo, see replies.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .agent_replies import agent_reply, json_reply
from .replies import expected_reply

ReplyFunction = Callable[[str, str], str]  # (whole conversation text, last user text) -> reply

REPLIES: Mapping[str, ReplyFunction] = {"local-agent": agent_reply, "local-json": json_reply}


def reply_text(model_public_name: str, conversation: str, last_user_text: str) -> str:
    """The reply text for this model: its own function, else the echo."""
    function = REPLIES.get(model_public_name)
    if function is None:
        return expected_reply(model_public_name, last_user_text)
    return function(conversation, last_user_text)


def conversation_text(body: dict[str, Any], fallback: str) -> str:
    """All message contents of a 2025-style body joined (the placeholder is empty)."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return fallback
    return "\n\n".join(m["content"] for m in messages if isinstance(m, dict) and m.get("content"))

"""One repair turn: when a reply breaks the asked-for contract, ask the model once more.

With today's stateless transport the repair turn is a new request that carries the
history, the model's bad reply and the repair instruction; a transport that continues the
upstream chat sends only the instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from modules.openai_api.schema import ChatMessage

MAX_REPAIRS = 1


@dataclass(frozen=True, slots=True)
class Repair:
    """Ask again with this instruction (a user turn after the model's reply)."""

    instruction: str


def repair_messages(
    messages: Sequence[ChatMessage], reply_text: str, repair: Repair
) -> list[ChatMessage]:
    """The conversation for the repair turn: history, the bad reply, the instruction."""
    return [
        *messages,
        ChatMessage(role="assistant", content=reply_text),
        ChatMessage(role="user", content=repair.instruction),
    ]

"""One repair turn: when a reply breaks the asked-for contract, ask the model once more.

The repair turn is the history, the model's bad reply and the repair instruction: the
conversation the bad reply ended plus one user turn, so conversation continuity
(`balancer.affinity`) types only the instruction into the same upstream chat on the same
instance; without it (or when that instance has no slot in time) it is a new chat with
the whole transcript.
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

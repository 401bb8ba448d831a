"""The battle extension of a chat completion: participant b's answer and the models' names.

Participant a's answer is the ordinary `content` (and `reasoning_content`). The rest is
one extension object, `arena`, with the same shape whole and streamed:

    choices[0].message.arena = {"mode": "side-by-side" | "battle",
                                "a": {"model": <name or null>},
                                "b": {"model": <name or null>, "content": "...",
                                      "reasoning_content": "...", "finish_reason": "stop"}}

Streamed, the role chunk's `delta.arena` carries the mode and the models known up front
(side-by-side names both; a blind battle neither); later deltas carry pieces of the same
object: `content` / `reasoning_content` append, `model` / `finish_reason` are set (a
model's name arrives when the site reveals it, in that participant's finish line).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from modules.openai_api.answer import image_markdown
from modules.upstream.events import (
    Citation,
    ClientEvent,
    Finish,
    ImageOutput,
    ReasoningDelta,
    TextDelta,
)
from modules.upstream.matchup import Matchup
from modules.upstream.models import ArenaModel

EXTENSION_FIELD = "arena"
ArenaField = Literal["content", "reasoning_content", "model", "finish_reason"]
_APPENDED = ("content", "reasoning_content")


@dataclass(frozen=True, slots=True)
class ArenaDelta:
    """One piece of the extension: b's text or reasoning, b's finish, a revealed name."""

    participant: str
    field: ArenaField
    text: str

    def delta(self) -> dict[str, Any]:
        """The chunk delta carrying this piece."""
        return {EXTENSION_FIELD: {self.participant: {self.field: self.text}}}


def battle_outputs(event: ClientEvent) -> list[ArenaDelta] | None:
    """The extension's pieces for an event; None when it belongs to a's ordinary answer."""
    if isinstance(event, Finish):
        out = [ArenaDelta(event.participant, "model", event.model_name)] if event.model_name else []
        if event.participant != "a":
            out.append(ArenaDelta(event.participant, "finish_reason", event.openai_reason))
        return out
    if event.participant == "a":
        return None
    side = event.participant
    match event:
        case TextDelta(text=text):
            return [ArenaDelta(side, "content", text)]
        case ReasoningDelta(text=text):
            return [ArenaDelta(side, "reasoning_content", text)]
        case ImageOutput(urls=urls):
            return [ArenaDelta(side, "content", image_markdown(urls))]
        case Citation():
            return []  # a's citations are annotations; b's have no field of their own
    return []


def arena_opening(model: ArenaModel, matchup: Matchup | None) -> dict[str, Any] | None:
    """The extension as known before any answer (None for a direct chat)."""
    if matchup is None:
        return None
    b = matchup.model_b
    return {
        "mode": matchup.mode,
        "a": {"model": None if matchup.blind else model.public_name},
        "b": {"model": b.public_name if b is not None else None},
    }


@dataclass(slots=True)
class ArenaFold:
    """The extension's pieces folded into the whole object (used for the final message)."""

    pieces: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, piece: ArenaDelta) -> None:
        """Fold one piece in: text appends, a name or a finish reason replaces."""
        values = self.pieces.setdefault(piece.participant, {}).setdefault(piece.field, [])
        if piece.field not in _APPENDED:
            values.clear()
        values.append(piece.text)

    def text(self, participant: str = "b") -> str:
        """Everything that participant produced (for the usage estimate)."""
        fields = self.pieces.get(participant, {})
        return "".join("".join(fields.get(f, [])) for f in _APPENDED)

    def message_field(self, opening: dict[str, Any]) -> dict[str, Any]:
        """`message.arena`: the opening with every piece folded in."""
        whole = copy.deepcopy(opening)
        for participant, fields in self.pieces.items():
            side = whole.setdefault(participant, {})
            for name, values in fields.items():
                side[name] = "".join(values)
        whole.setdefault("b", {}).setdefault("content", "")
        return whole

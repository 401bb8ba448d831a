"""What a send streams: each participant's reply to the turn, at the user's speed, with faults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..upstream import protocol
from . import catalog, replies
from .knobs import Knobs
from .reply_registry import reply_text
from .sessions import User
from .stream_body import Participant, StreamPlan, line


def participant(
    letter: str,
    model: dict[str, Any],
    reply: replies.ReplyInput,
    base_url: str,
    reveal: bool,
) -> Participant:
    """One participant's lines for this turn; `reveal` names its model in the finish line."""
    name, text = model["publicName"], reply.text
    extras: list[bytes] = []
    kind = catalog.output_kind(model)
    if kind == "image":
        url = f"{base_url}_images/{replies.image_name(text)}"
        extras.append(line(protocol.KIND_IMAGE, [{"type": "image", "image": url}], letter))
    elif kind == "search":
        extras.append(line(protocol.KIND_CITATION, replies.citations(text), letter))
    thinking = replies.expected_reasoning(name, text) if name in catalog.REASONING_MODELS else ""
    finish: dict[str, Any] = {protocol.FINISH_REASON_FIELD: "stop"}
    if reveal:
        finish[protocol.FINISH_MODEL_ID_FIELD] = model["id"]
        finish[protocol.FINISH_MODEL_NAME_FIELD] = name
    return Participant(
        letter=letter,
        text=replies.tokenize(reply_text(reply)),
        reasoning=replies.tokenize(thinking),
        extras=extras,
        finish=finish,
    )


def stream_plan(
    knobs: Knobs, user: User, participants: list[Participant], models: Sequence[str] = ()
) -> StreamPlan:
    """Pace and faults for this user's stream (answered by `models`), from the knobs now."""
    factor = knobs.speed_factor(user.id, user.order)
    midstream = knobs.error_midstream
    slowed = max((knobs.model_ttft_ms.get(name, 0) for name in models), default=0)
    return StreamPlan(
        participants=participants,
        ttft_s=(knobs.ttft_ms + slowed) * factor / 1000,
        interval_s=factor / knobs.tokens_per_s,
        error_after=midstream.after_tokens if midstream else None,
        error_message=midstream.message if midstream else protocol.ERROR_RESOURCE_EXHAUSTED,
        stall_after=knobs.stall_after_tokens,
        cut_after=knobs.cut_after_tokens,
    )

"""Events the upstream stream parser yields, one per stream line."""

from __future__ import annotations

from dataclasses import dataclass

from modules.upstream.protocol import FINISH_REASON_MAP


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of answer text (`a0:`)."""

    text: str
    participant: str = "a"


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of reasoning text (`ag:`)."""

    text: str
    participant: str = "a"


@dataclass(frozen=True, slots=True)
class ImageOutput:
    """Generated image URLs (`a2:`)."""

    urls: tuple[str, ...]
    participant: str = "a"


@dataclass(frozen=True, slots=True)
class Citation:
    """Search citations (`ac:`), passed through as decoded JSON (`{"sources": [...]}`)."""

    data: object
    participant: str = "a"


@dataclass(frozen=True, slots=True)
class StreamErrorEvent:
    """An error the site reported inside the stream (`a3:`)."""

    message: str
    participant: str = "a"


@dataclass(frozen=True, slots=True)
class Finish:
    """End of one participant's answer (`ad:`); battles name the model that answered."""

    raw_reason: str
    participant: str = "a"
    model_name: str | None = None  # the revealed public name (battle modes), if any

    @property
    def openai_reason(self) -> str:
        """The OpenAI `finish_reason` for the upstream reason (unknown ones become "stop")."""
        return FINISH_REASON_MAP.get(self.raw_reason, "stop")


@dataclass(frozen=True, slots=True)
class MalformedLine:
    """A line the parser could not understand; `reason` says why."""

    line: str
    reason: str


StreamEvent = (
    TextDelta | ReasoningDelta | ImageOutput | Citation | StreamErrorEvent | Finish | MalformedLine
)
# What the runner passes on to the client side (errors raise, malformed lines are dropped).
ClientEvent = TextDelta | ReasoningDelta | ImageOutput | Citation | Finish

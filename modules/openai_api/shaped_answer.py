"""What the client is given, folded: the shaped outputs of one request (any surface)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, assert_never

from modules.openai_api.answer import image_markdown, url_citations
from modules.openai_api.answer_shaper import AnswerShaper, Finished, Piece
from modules.openai_api.battle_output import ArenaDelta, ArenaFold, battle_outputs
from modules.openai_api.chunks import estimate_tokens
from modules.openai_api.tool_parse import ToolCall
from modules.upstream.events import (
    Citation,
    ClientEvent,
    Finish,
    ImageOutput,
    ReasoningDelta,
    TextDelta,
)


@dataclass(frozen=True, slots=True)
class Annotations:
    """Citations of the answer so far (`url_citation` annotations)."""

    items: tuple[dict[str, Any], ...]


Output = Piece | Annotations | ArenaDelta


def event_outputs(event: ClientEvent, shaper: AnswerShaper, cited_up_to: int) -> list[Output]:
    """What the client may see now for one upstream event (citations cite the text sent
    so far, `cited_up_to` characters; images are markdown in the answer text). Participant
    b of a battle, and revealed model names, go to the battle extension, unshaped."""
    if (side := battle_outputs(event)) is not None:
        return list(side)
    match event:
        case TextDelta(text=text):
            return list(shaper.text(text))
        case ReasoningDelta(text=text):
            return list(shaper.reasoning(text))
        case ImageOutput(urls=urls):
            return list(shaper.text(image_markdown(urls)))
        case Citation(data=data):
            cited = url_citations(data, cited_up_to)
            return [Annotations(tuple(cited))] if cited else []
        case Finish():
            return []  # how the answer ended is known once the events are over
        case _:
            assert_never(event)


@dataclass(slots=True)
class ShapedAnswer:
    """Text, reasoning, citations and calls as released to the client, and how it ended."""

    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    stop_sequence: str | None = None  # the `stop` string that cut it (Messages reports it)
    arena: ArenaFold = field(default_factory=ArenaFold)  # battles: b's answer, model names

    def add(self, output: Output) -> None:
        """Fold one released output in."""
        if isinstance(output, ArenaDelta):
            self.arena.add(output)
        elif isinstance(output, Annotations):
            self.annotations.extend(output.items)
        elif output.kind == "text":
            self.content.append(output.text)
        else:
            self.reasoning.append(output.text)

    def end(self, finished: Finished) -> None:
        """Note the calls and the finish reason (its last pieces were added already)."""
        self.calls = finished.calls
        self.finish_reason = finished.finish_reason
        self.stop_sequence = finished.stop_sequence

    @property
    def text(self) -> str:
        return "".join(self.content)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)

    @property
    def content_length(self) -> int:
        return sum(len(c) for c in self.content)

    def completion_tokens(self) -> int:
        """Estimated tokens of everything the model produced for the client."""
        produced = self.text + self.reasoning_text + "".join(c.arguments for c in self.calls)
        produced += self.arena.text()
        return estimate_tokens(produced)

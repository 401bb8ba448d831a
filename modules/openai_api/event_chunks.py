"""Stream events as OpenAI stream chunks, and the folded answer as one completion; pure."""

from __future__ import annotations

from typing import Any, assert_never

from ..upstream.events import Citation, ClientEvent, Finish, ImageOutput, ReasoningDelta, TextDelta
from .answer import Answer, image_markdown, url_citations
from .chunks import ChunkBuilder, build_completion


def event_chunks(event: ClientEvent, builder: ChunkBuilder, answer: Answer) -> list[dict[str, Any]]:
    """The chunks a client sees for `event` (`answer` has already folded it in)."""
    match event:
        case TextDelta(text=text):
            return [builder.content_chunk(text)] if text else []
        case ReasoningDelta(text=text):
            return [builder.reasoning_chunk(text)] if text else []
        case ImageOutput(urls=urls):
            return [builder.content_chunk(image_markdown(urls))]
        case Citation(data=data):
            cited = url_citations(data, answer.content_length)
            return [builder.annotations_chunk(cited)] if cited else []
        case Finish():
            return []  # the finish chunk follows once the stream has ended
        case _:
            assert_never(event)


def completion_body(
    answer: Answer, model: str, usage: dict[str, int], completion_id: str
) -> dict[str, Any]:
    """The non-stream `chat.completion` for a finished answer."""
    return build_completion(
        model,
        answer.text,
        answer.reasoning_text,
        answer.finish_reason,
        usage,
        completion_id,
        annotations=answer.annotations,
    )

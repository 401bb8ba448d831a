"""What the model (participant a) answered, folded from stream events into OpenAI terms; pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

from ..upstream.events import Citation, ClientEvent, Finish, ImageOutput, ReasoningDelta, TextDelta


def image_markdown(urls: Sequence[str]) -> str:
    """Markdown that shows generated images in chat clients."""
    return "\n\n".join(f"![image]({url})" for url in urls)


def url_citations(data: object, end_index: int) -> list[dict[str, Any]]:
    """OpenAI `url_citation` annotations for an `ac:` payload; they cite the text before
    them (`0..end_index`). Accepts `{"sources": [...]}`, a list, or one source object."""
    if isinstance(data, dict) and isinstance(data.get("sources"), list):
        sources: list[Any] = data["sources"]
    else:
        sources = data if isinstance(data, list) else [data]
    out = []
    for source in sources:
        if isinstance(source, dict) and isinstance(source.get("url"), str):
            title = source.get("title")
            citation = {
                "url": source["url"],
                "title": title if isinstance(title, str) else source["url"],
                "start_index": 0,
                "end_index": end_index,
            }
            out.append({"type": "url_citation", "url_citation": citation})
    return out


@dataclass(slots=True)
class Answer:
    """The answer so far: content (images as markdown), reasoning, citations, finish."""

    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str = "stop"
    content_length: int = 0

    def add(self, event: ClientEvent) -> None:
        """Fold one event of participant a in (b's answer is the battle extension's)."""
        if event.participant != "a":
            return
        match event:
            case TextDelta(text=text):
                self._append(text)
            case ReasoningDelta(text=text):
                self.reasoning.append(text)
            case ImageOutput(urls=urls):
                self._append(image_markdown(urls))
            case Citation(data=data):
                self.annotations.extend(url_citations(data, self.content_length))
            case Finish():
                self.finish_reason = event.openai_reason
            case _:
                assert_never(event)

    def _append(self, text: str) -> None:
        self.content.append(text)
        self.content_length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.content)

    @property
    def reasoning_text(self) -> str:
        return "".join(self.reasoning)

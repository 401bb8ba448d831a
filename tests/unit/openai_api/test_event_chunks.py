"""Events as the client sees them: the folded answer, stream chunks, citations."""

from __future__ import annotations

from typing import get_args

from modules.openai_api.answer import Answer, url_citations
from modules.openai_api.chunks import ChunkBuilder
from modules.openai_api.event_chunks import completion_body, event_chunks
from modules.upstream.events import (
    Citation,
    ClientEvent,
    Finish,
    ImageOutput,
    ReasoningDelta,
    TextDelta,
)

SOURCES = {
    "sources": [{"url": "https://w.example/a", "title": "A"}, {"url": "https://w.example/b"}]
}


def _play(*events: ClientEvent) -> tuple[Answer, list[dict]]:
    answer, builder, chunks = Answer(), ChunkBuilder("m", "id-1", created=1), []
    for event in events:
        answer.add(event)
        chunks += event_chunks(event, builder, answer)
    return answer, chunks


def _deltas(chunks: list[dict]) -> list[dict]:
    return [c["choices"][0]["delta"] for c in chunks]


def test_every_client_event_kind_has_a_face() -> None:
    samples = {
        TextDelta: TextDelta("t"),
        ReasoningDelta: ReasoningDelta("r"),
        ImageOutput: ImageOutput(("https://i.example/x.png",)),
        Citation: Citation(SOURCES),
        Finish: Finish("stop"),
    }
    assert set(samples) == set(get_args(ClientEvent))
    answer, chunks = _play(*samples.values())
    assert _deltas(chunks) == [
        {"content": "t"},
        {"reasoning_content": "r"},
        {"content": "![image](https://i.example/x.png)"},
        {"annotations": url_citations(SOURCES, len("t![image](https://i.example/x.png)"))},
    ]
    assert answer.finish_reason == "stop"


def test_citations_become_url_citation_annotations() -> None:
    answer, chunks = _play(TextDelta("Rivers are long."), Citation(SOURCES), Finish("stop"))
    (annotations,) = [d["annotations"] for d in _deltas(chunks) if "annotations" in d]
    assert annotations == answer.annotations
    assert annotations[0] == {
        "type": "url_citation",
        "url_citation": {
            "url": "https://w.example/a",
            "title": "A",
            "start_index": 0,
            "end_index": 16,
        },
    }
    assert annotations[1]["url_citation"]["title"] == "https://w.example/b"  # no title: the url
    body = completion_body(answer, "m", {"prompt_tokens": 1}, "id-1")
    assert body["choices"][0]["message"]["annotations"] == annotations


def test_citation_payload_shapes() -> None:
    one = {"url": "https://w.example/a", "title": "A"}
    assert len(url_citations(one, 0)) == 1
    assert len(url_citations([one, one], 0)) == 2
    assert url_citations({"nothing": 1}, 0) == [] and url_citations("text", 0) == []


def test_empty_citations_and_empty_text_send_nothing() -> None:
    _answer, chunks = _play(TextDelta(""), ReasoningDelta(""), Citation({"sources": []}))
    assert chunks == []


def test_a_completion_without_citations_has_no_annotations_key() -> None:
    answer, _ = _play(TextDelta("hi"), ReasoningDelta("hmm"), Finish("content-filter"))
    message = completion_body(answer, "m", {}, "id")["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "hi", "reasoning_content": "hmm"}
    assert completion_body(answer, "m", {}, "id")["choices"][0]["finish_reason"] == "content_filter"

"""Stream-line parsing: every prefix, malformed lines, and chunk boundaries anywhere."""

from __future__ import annotations

import pytest

from modules.upstream.events import (
    Citation,
    Finish,
    ImageOutput,
    MalformedLine,
    ReasoningDelta,
    StreamErrorEvent,
    TextDelta,
)
from modules.upstream.parser import StreamParser, parse_line


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ('a0:"Rivers "', TextDelta("Rivers ", "a")),
        ('b0:"Lakes"', TextDelta("Lakes", "b")),
        ('ag:"Thinking about rivers..."', ReasoningDelta("Thinking about rivers...", "a")),
        ('bg:"hmm"', ReasoningDelta("hmm", "b")),
        (
            'a2:[{"type":"image","image":"https://x/1.png"},{"type":"image","image":"https://x/2.png"}]',
            ImageOutput(("https://x/1.png", "https://x/2.png"), "a"),
        ),
        (
            'ac:{"url":"https://w/a","title":"[A]"}',
            Citation({"url": "https://w/a", "title": "[A]"}),
        ),
        (
            'a3:"Resource exhausted. Please try again later."',
            StreamErrorEvent("Resource exhausted. Please try again later."),
        ),
        ('ad:{"finishReason":"stop"}', Finish("stop", "a")),
        ('bd:{"finishReason":"content-filter"}', Finish("content-filter", "b")),
    ],
)
def test_every_prefix(line: str, event: object) -> None:
    assert parse_line(line) == event


@pytest.mark.parametrize(
    ("raw", "openai"),
    [
        ("stop", "stop"),
        ("unknown", "stop"),
        ("length", "length"),
        ("content-filter", "content_filter"),
        ("weird", "stop"),
    ],
)
def test_finish_reason_mapping(raw: str, openai: str) -> None:
    assert Finish(raw).openai_reason == openai


def test_finish_without_reason_is_unknown() -> None:
    assert parse_line("ad:{}") == Finish("unknown")


def test_escaped_newlines_quotes_and_unicode() -> None:
    event = parse_line(r'a0:"line1\nline2 \"q\" caf\u00e9 \ud83d\ude00 日本"')
    assert event == TextDelta('line1\nline2 "q" café \U0001f600 日本')


def test_blank_lines_give_nothing() -> None:
    assert parse_line("") is None
    assert parse_line("   \r") is None


@pytest.mark.parametrize(
    ("line", "reason_part"),
    [
        ('x0:"hi"', "unknown prefix"),
        ('az:"hi"', "unknown prefix"),
        ('a00:"hi"', "unknown prefix"),
        ('a0:"unterminated', "bad JSON"),
        ("a0:{not json}", "bad JSON"),
        ("just some text", "missing ':'"),
        ("a0:42", "unexpected payload"),
        ('a2:"not a list"', "unexpected payload"),
        ('a2:[{"type":"image"}]', "unexpected payload"),
        ('ad:"stop"', "unexpected payload"),
    ],
)
def test_malformed_lines(line: str, reason_part: str) -> None:
    event = parse_line(line)
    assert isinstance(event, MalformedLine)
    assert event.line == line
    assert reason_part in event.reason


def test_error_object_keeps_message() -> None:
    assert parse_line('a3:{"message":"boom"}') == StreamErrorEvent("boom")


STREAM = (
    'ag:"Thinking about rivers...\\n"\n'
    'a0:"Rivers "\n'
    "\n"
    'a0:"are long. caf\\u00e9 \\"quoted\\" [x] 日本"\n'
    'b0:"other side"\n'
    'a2:[{"type":"image","image":"https://img/1.png"}]\n'
    'ac:{"sources":[{"url":"https://w/a"}]}\n'
    "bogus line\n"
    'a3:"Resource exhausted. Please try again later."\n'
    'ad:{"finishReason":"stop"}\n'
)


def _parse_whole(text: str) -> list[object]:
    parser = StreamParser()
    return parser.feed(text) + parser.finish()


def test_whole_stream_events() -> None:
    events = _parse_whole(STREAM)
    assert events[:5] == [
        ReasoningDelta("Thinking about rivers...\n", "a"),
        TextDelta("Rivers "),
        TextDelta('are long. café "quoted" [x] 日本'),
        TextDelta("other side", "b"),
        ImageOutput(("https://img/1.png",)),
    ]
    assert events[5] == Citation({"sources": [{"url": "https://w/a"}]})
    assert isinstance(events[6], MalformedLine)
    assert events[7:] == [
        StreamErrorEvent("Resource exhausted. Please try again later."),
        Finish("stop"),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_split_at_every_position_gives_identical_events(newline: str) -> None:
    text = STREAM.replace("\n", newline)
    expected = _parse_whole(STREAM)
    for cut in range(len(text) + 1):
        parser = StreamParser()
        events = parser.feed(text[:cut]) + parser.feed(text[cut:]) + parser.finish()
        assert events == expected, f"split at {cut}: {text[:cut]!r}"


def test_two_cuts_and_char_by_char() -> None:
    expected = _parse_whole(STREAM)
    step = 7
    for first in range(0, len(STREAM), step):
        for second in range(first, len(STREAM) + 1, step):
            parser = StreamParser()
            events = parser.feed(STREAM[:first]) + parser.feed(STREAM[first:second])
            events += parser.feed(STREAM[second:]) + parser.finish()
            assert events == expected
    parser = StreamParser()
    events = [e for ch in STREAM.replace("\n", "\r\n") for e in parser.feed(ch)]
    assert events + parser.finish() == expected


def test_finish_flushes_last_line_without_newline() -> None:
    parser = StreamParser()
    assert parser.feed('a0:"hi"\nad:{"finishReason":"stop"}') == [TextDelta("hi")]
    assert parser.finish() == [Finish("stop")]
    assert parser.finish() == []


def test_finish_flushes_partial_line_as_malformed() -> None:
    parser = StreamParser()
    assert parser.feed('a0:"cut in the mid') == []
    [event] = parser.finish()
    assert isinstance(event, MalformedLine)
    assert "bad JSON" in event.reason


def test_empty_chunks_are_harmless() -> None:
    parser = StreamParser()
    assert parser.feed("") == []
    assert parser.feed('a0:"x"') == []
    assert parser.feed("") == []
    assert parser.feed("\r\n") == [TextDelta("x")]
    assert parser.finish() == []


def test_battle_finish_lines_reveal_the_model() -> None:
    line = 'bd:{"finishReason":"stop","modelId":"u-1","modelName":"local-poet"}'
    assert parse_line(line) == Finish("stop", "b", "local-poet")
    assert parse_line('ad:{"finishReason":"stop","modelName":""}') == Finish("stop", "a")
    assert parse_line('ad:{"finishReason":"stop","modelName":7}') == Finish("stop", "a")

"""stop strings and max_tokens applied to streamed answer text."""

from __future__ import annotations

import pytest

from modules.openai_api.chunks import estimate_tokens
from modules.openai_api.output_limits import OutputLimiter, StopCutter


def _run(cutter: StopCutter | OutputLimiter, deltas: list[str]) -> str:
    out = "".join(cutter.feed(d) for d in deltas)
    return out + cutter.flush()


def test_stop_string_inside_one_delta() -> None:
    assert _run(StopCutter(["END"]), ["Hello END world"]) == "Hello "


@pytest.mark.parametrize(
    "deltas",
    [["Hello E", "ND world"], ["Hello ", "E", "N", "D", " world"], ["Hello EN", "D"]],
)
def test_stop_string_split_across_deltas(deltas: list[str]) -> None:
    cutter = StopCutter(["END"])
    assert _run(cutter, deltas) == "Hello " and cutter.stopped


def test_held_text_is_released_when_it_is_not_a_stop() -> None:
    cutter = StopCutter(["END"])
    assert cutter.feed("Hello EN") == "Hello "  # "EN" may begin "END"
    assert cutter.feed("TER") == "ENTER"
    assert cutter.flush() == "" and not cutter.stopped
    assert _run(StopCutter(["END"]), ["ends with E"]) == "ends with E"


def test_earliest_of_several_stops_wins() -> None:
    cutter = StopCutter(["\n\n", "Human:"])
    assert _run(cutter, ["a Human: b\n\nc"]) == "a " and cutter.matched == "Human:"
    assert _run(StopCutter([""]), ["kept"]) == "kept"


def test_nothing_passes_after_the_stop() -> None:
    cutter = StopCutter(["."])
    assert cutter.feed("One. Two.") == "One"
    assert cutter.feed("Three") == "" and cutter.flush() == ""


def test_max_tokens_cuts_at_the_estimate() -> None:
    limiter = OutputLimiter(max_tokens=3)  # about 12 characters
    out = _run(limiter, ["Hello ", "there, ", "general"])
    assert out == "Hello there,"
    assert estimate_tokens(out) == 3
    assert limiter.done and limiter.finish_reason("stop") == "length"


def test_finish_reasons() -> None:
    stopped = OutputLimiter(stops=["!"])
    _run(stopped, ["Hi! you"])
    assert stopped.finish_reason("content_filter") == "stop"
    assert stopped.stop_sequence() == "!"  # the string that ended it (Anthropic reports it)
    capped = OutputLimiter(stops=["!"], max_tokens=1)
    _run(capped, ["Hello! you"])
    assert capped.finish_reason("stop") == "length" and capped.stop_sequence() is None
    free = OutputLimiter(stops=["!"], max_tokens=100)
    assert _run(free, ["Hi there"]) == "Hi there"
    assert not free.done and free.finish_reason("content_filter") == "content_filter"


def test_stop_applies_before_the_length_cap() -> None:
    limiter = OutputLimiter(stops=["X"], max_tokens=1)
    assert _run(limiter, ["abX"]) == "ab" and limiter.finish_reason("stop") == "stop"

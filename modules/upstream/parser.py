"""Turns upstream stream lines (`<participant><kind>:<json>`) into events; pure, no I/O."""

from __future__ import annotations

import json
from collections.abc import Callable

from modules.upstream import protocol
from modules.upstream.events import (
    Citation,
    Finish,
    ImageOutput,
    MalformedLine,
    ReasoningDelta,
    StreamErrorEvent,
    StreamEvent,
    TextDelta,
)


class _BadPayload(ValueError):
    """The JSON decoded but does not have the shape its prefix promises."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _BadPayload(f"expected a JSON string, got {type(value).__name__}")
    return value


def _image_urls(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _BadPayload(f"expected a JSON list of images, got {type(value).__name__}")
    urls = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("image"), str):
            raise _BadPayload("image entry without an 'image' URL")
        urls.append(item["image"])
    return tuple(urls)


def _error_message(value: object) -> str:
    # The site sends a string; be lenient with an object so the message is not lost.
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("message"), str):
        return str(value["message"])
    return json.dumps(value, ensure_ascii=False)


def _finish(value: object, participant: str) -> Finish:
    if not isinstance(value, dict):
        raise _BadPayload(f"expected a JSON object, got {type(value).__name__}")
    reason = value.get(protocol.FINISH_REASON_FIELD, "unknown")
    name = value.get(protocol.FINISH_MODEL_NAME_FIELD)
    return Finish(
        reason if isinstance(reason, str) else "unknown",
        participant,
        name if isinstance(name, str) and name else None,
    )


_BUILDERS: dict[str, Callable[[object, str], StreamEvent]] = {
    protocol.KIND_TEXT: lambda v, p: TextDelta(_text(v), p),
    protocol.KIND_REASONING: lambda v, p: ReasoningDelta(_text(v), p),
    protocol.KIND_IMAGE: lambda v, p: ImageOutput(_image_urls(v), p),
    protocol.KIND_CITATION: lambda v, p: Citation(v, p),
    protocol.KIND_ERROR: lambda v, p: StreamErrorEvent(_error_message(v), p),
    protocol.KIND_FINISH: _finish,
}


def parse_line(line: str) -> StreamEvent | None:
    """Parse one stream line; blank gives None, anything unreadable a MalformedLine."""
    stripped = line.strip()
    if not stripped:
        return None
    prefix, colon, payload = stripped.partition(":")
    if not colon:
        return MalformedLine(line, "missing ':' after the prefix")
    if len(prefix) != 2 or prefix[0] not in protocol.PARTICIPANTS or prefix[1] not in _BUILDERS:
        return MalformedLine(line, f"unknown prefix {prefix!r}")
    try:
        value = json.loads(payload)
    except ValueError as exc:
        return MalformedLine(line, f"bad JSON: {exc}")
    try:
        return _BUILDERS[prefix[1]](value, prefix[0])
    except _BadPayload as exc:
        return MalformedLine(line, f"unexpected payload for {prefix!r}: {exc}")


class StreamParser:
    """Incremental parser: feed it chunks split anywhere, get events for each whole line."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        # Pieces of the unfinished last line; joined only once a newline arrives.
        self._pending: list[str] = []

    def feed(self, chunk: str) -> list[StreamEvent]:
        """Add a chunk and return the events of every line it completed."""
        if "\n" not in chunk:
            if chunk:
                self._pending.append(chunk)
            return []
        self._pending.append(chunk)
        *lines, rest = "".join(self._pending).split("\n")
        self._pending = [rest] if rest else []
        return _parse_all(lines)

    def finish(self) -> list[StreamEvent]:
        """Flush a last line that had no trailing newline."""
        rest, self._pending = "".join(self._pending), []
        return _parse_all([rest])


def _parse_all(lines: list[str]) -> list[StreamEvent]:
    events = []
    for line in lines:
        event = parse_line(line.removesuffix("\r"))
        if event is not None:
            events.append(event)
    return events

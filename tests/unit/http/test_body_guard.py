"""A too large body is read to its end within a budget so its client reads the 413."""

from __future__ import annotations

from typing import Any

from modules.http.body_guard import DRAIN_BYTES, BodyGuard, Message

LIMIT = 1000
PIECE = b"x" * 1_048_576


async def _never_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("a refused body reached the app")


def _body(total: int, piece: bytes = PIECE) -> list[Message]:
    """Messages carrying `total` bytes, the last with more_body false."""
    messages: list[Message] = []
    while total > 0:
        chunk = piece[: min(len(piece), total)]
        total -= len(chunk)
        messages.append({"type": "http.request", "body": chunk, "more_body": total > 0})
    return messages


async def _answer(messages: list[Message], declared: int | None = None) -> tuple[int, bool]:
    """Runs the guard on one request: the answer's status and whether it closes."""
    sent: list[Message] = []
    left = iter(messages)

    async def receive() -> Message:
        return next(left, {"type": "http.disconnect"})

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    guard = BodyGuard(_never_called, max_bytes=LIMIT, timeout_s=5)
    await guard({"type": "http", "headers": headers}, receive, send)
    return sent[0]["status"], (b"connection", b"close") in sent[0]["headers"]


async def test_a_body_within_reach_is_read_to_its_end_and_the_connection_kept() -> None:
    assert await _answer(_body(LIMIT + DRAIN_BYTES // 2)) == (413, False)
    assert await _answer(_body(LIMIT * 5), declared=LIMIT * 5) == (413, False)
    # The message that passes the limit is the last one: answered at once.
    assert await _answer(_body(LIMIT * 3, b"x" * LIMIT * 3)) == (413, False)


async def test_a_body_out_of_reach_is_cut_off() -> None:
    assert await _answer(_body(LIMIT + DRAIN_BYTES + len(PIECE))) == (413, True)
    # A declared length past reach is refused before a byte is read.
    assert await _answer([], declared=LIMIT + DRAIN_BYTES + 1) == (413, True)
    # A client that leaves mid-body gets its answer on a closing connection.
    assert await _answer(_body(LIMIT * 3, b"x" * LIMIT)[:2]) == (413, True)

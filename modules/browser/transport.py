"""How a request leaves the page: the Transport protocol, what it is asked to send, and the
response it gives. Transports are small classes behind this seam (`compose`, `fetch`); the
scripted fake in tests/support/fakes.py stands in for them in unit tests."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Protocol

from ..upstream.body import ChatTurn
from ..upstream.matchup import Matchup
from ..upstream.models import ArenaModel


@dataclass(frozen=True, slots=True)
class SendRequest:
    """What to send, in terms every transport understands; each decides how it leaves."""

    model: ArenaModel
    turns: tuple[ChatTurn, ...]
    # None starts a new chat; an id adds this turn to that upstream conversation.
    continue_evaluation_id: str | None = None
    # A battle mode: two models answer (b's lines come in the same stream); None is direct.
    matchup: Matchup | None = None


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """Status line facts of the upstream response, as the page saw them."""

    status: int
    retry_after: str | None
    content_type: str
    ratelimit: str | None = None  # the site's `ratelimit` header (limit, remaining, reset)


class UpstreamStream(Protocol):
    """An upstream response being received inside a page."""

    head: ResponseHead
    # The upstream conversation this answer belongs to (for continuing it later).
    evaluation_id: str | None
    # True when the answer went into the chat named by continue_evaluation_id.
    continued: bool

    def chunks(self) -> AsyncGenerator[str, None]: ...

    async def aclose(self) -> None: ...


class Transport(Protocol):
    """Sends one request from an instance's page."""

    name: str

    async def open(self, send: SendRequest) -> UpstreamStream: ...

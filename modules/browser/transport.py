"""How an upstream call leaves the page: the Transport protocol and the response it gives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from ..upstream.body import UpstreamCall


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """Status line facts of the upstream response, as the page saw them."""

    status: int
    retry_after: str | None
    content_type: str


class UpstreamStream(Protocol):
    """An upstream response being received inside a page."""

    head: ResponseHead

    def chunks(self) -> AsyncIterator[str]: ...

    async def aclose(self) -> None: ...


class Transport(Protocol):
    """Sends one upstream call from an instance's page."""

    name: str

    async def open(self, call: UpstreamCall) -> UpstreamStream: ...

"""The per-request object: one chat completion on its way through the bridge.

Made by the coordinator's `submit`, filled by the runner (route, answer), read by the HTTP
layer (headers, chunks) and recorded exactly once by `finish`. New per-request facts (the
client's user agent, pacing waits, affinity, ...) are added here as fields.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from ..errors import BridgeError
from ..observability.records import RequestRecord
from ..openai_api.answer import Answer
from ..openai_api.chunks import estimate_tokens
from ..openai_api.errors import INTERNAL_MESSAGE
from ..openai_api.schema import ChatCompletionRequest
from ..upstream.body import ChatTurn
from ..upstream.events import ClientEvent
from ..upstream.matchup import Matchup
from ..upstream.models import ArenaModel
from ..upstream.protocol import MODE_DIRECT

CLIENT_CLOSED = (499, "client_closed")  # status and label of a request whose client left


@dataclass(slots=True)
class Route:
    """Where the request went and why; becomes response headers and history columns."""

    strategy: str = ""
    instance_id: str | None = None
    queue_wait_s: float = 0.0
    attempts: int = 0
    failovers: list[str] = field(default_factory=list)
    first_token_at: float | None = None
    error_label: str | None = None  # the last attempt's failure, if any
    affinity: str | None = None  # "hit": typed into the conversation's own chat; "miss"
    evaluation_id: str | None = None  # the upstream chat the answer came from

    def headers(self) -> dict[str, str]:
        out = {
            "x-bridge-strategy": self.strategy,
            "x-bridge-instance": self.instance_id or "",
            "x-bridge-queue-ms": str(round(self.queue_wait_s * 1000)),
            "x-bridge-attempts": str(self.attempts),
        }
        if self.affinity:
            out["x-bridge-affinity"] = self.affinity
        if self.failovers:
            out["x-bridge-failover"] = "; ".join(self.failovers)[:500]
        return out


class ChatJob:
    """What was asked, where it went, what came back, and when."""

    def __init__(
        self,
        request: ChatCompletionRequest,
        model: ArenaModel,
        turns: Sequence[ChatTurn],
        *,
        on_finish: Callable[[RequestRecord], Awaitable[None] | None],
        clock: Callable[[], float] = time.monotonic,
        matchup: Matchup | None = None,
    ) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.request = request
        self.model = model
        self.turns = tuple(turns)
        self.matchup = matchup  # a battle mode: b answers too (its events say participant b)
        self.clock = clock
        self.started = clock()
        self.route = Route()
        self.answer = Answer()
        self.prompt_tokens = sum(estimate_tokens(t.text) for t in self.turns)
        self._on_finish = on_finish
        self._durable: Awaitable[None] | None = None
        self._events: AsyncGenerator[ClientEvent, None] | None = None
        self.record: RequestRecord | None = None
        self.user_agent = ""  # the client's tool, noted by the HTTP layer
        self.endpoint = "chat"  # which API surface the client used

    @property
    def events(self) -> AsyncGenerator[ClientEvent, None]:
        """The answer's events, as the runner produces them (each already in `answer`)."""
        if self._events is None:
            raise RuntimeError(f"{self.id} was not submitted")
        return self._events

    def attach(self, events: AsyncGenerator[ClientEvent, None]) -> None:
        self._events = events

    def ttft_s(self) -> float | None:
        first = self.route.first_token_at
        return None if first is None else first - self.started

    def usage(self) -> dict[str, int]:
        completion = estimate_tokens(self.answer.text + self.answer.reasoning_text)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }

    def finish(self, err: BaseException | None, *, cancelled: bool = False) -> None:
        """Record how the request ended (only the first call counts)."""
        if self.record is not None:
            return
        status, label = _status_and_label(err, cancelled)
        self.record = RequestRecord(
            ts=time.time(),
            request_id=self.id,
            model=self.request.model,
            instance_id=self.route.instance_id,
            strategy=self.route.strategy,
            status=status,
            error_kind=label,
            ttft_s=self.ttft_s(),
            duration_s=self.clock() - self.started,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.usage()["completion_tokens"] if status < 400 else 0,
            attempts=self.route.attempts,
            queue_wait_s=self.route.queue_wait_s,
            stream=self.request.stream,
            failovers="; ".join(self.route.failovers),
            error=_client_message(err, cancelled),
            affinity=self.route.affinity,
            error_type=err.openai_type if isinstance(err, BridgeError) else None,
            user_agent=self.user_agent,
            endpoint=self.endpoint,
            mode=self.matchup.mode if self.matchup else MODE_DIRECT,
        )
        self._durable = self._on_finish(self.record)

    async def recorded(self, timeout_s: float = 2.0) -> None:
        """Wait (at most `timeout_s`) until the history row of `finish` is on disk, so an
        answer's last byte never reaches a client before its row (a crash keeps both)."""
        if self._durable is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._durable


def _status_and_label(err: BaseException | None, cancelled: bool) -> tuple[int, str | None]:
    if cancelled:
        return CLIENT_CLOSED
    if err is None:
        return 200, None
    if isinstance(err, BridgeError):
        return err.status, err.label
    return 500, "internal"


def _client_message(err: BaseException | None, cancelled: bool) -> str | None:
    """The error message the client read (the same text as its OpenAI error body)."""
    if cancelled or err is None:
        return None
    if isinstance(err, BridgeError):
        return err.message
    return INTERNAL_MESSAGE

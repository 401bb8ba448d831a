"""Turn one finished request into a history/metrics record."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

from ..observability.records import RequestRecord
from ..openai_api.chunks import estimate_tokens
from .runner import RouteInfo


class Outcome:
    """Collects what a request produced; `record()` is called exactly once at the end."""

    def __init__(self, model: str, prompt_texts: Sequence[str], stream: bool) -> None:
        self.request_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.model = model
        self.stream = stream
        self.prompt_tokens = sum(estimate_tokens(t) for t in prompt_texts)
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.finish_reason = "stop"
        self.started = time.monotonic()
        self._recorded = False

    @property
    def completion_text(self) -> str:
        return "".join(self.text)

    def usage(self) -> dict[str, int]:
        completion = estimate_tokens(self.completion_text + "".join(self.reasoning))
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }

    def record(self, route: RouteInfo, status: int, error_kind: str | None) -> RequestRecord | None:
        if self._recorded:
            return None
        self._recorded = True
        ttft = (route.first_token_at - route.started) if route.first_token_at else None
        usage = self.usage()
        return RequestRecord(
            ts=time.time(),
            request_id=self.request_id,
            model=self.model,
            instance_id=route.instance_id,
            strategy=route.strategy,
            status=status,
            error_kind=error_kind,
            ttft_s=ttft,
            duration_s=time.monotonic() - self.started,
            prompt_tokens=usage["prompt_tokens"],
            completion_tokens=usage["completion_tokens"] if status < 400 else 0,
            attempts=route.attempts,
            queue_wait_s=route.queue_wait_s,
            stream=self.stream,
        )

"""What the bridge notes about the client of an API request: its tool, the endpoint, and,
for requests refused before any work started, a history/metrics record of the refusal."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import Request

from ..observability.records import RequestRecord
from ..openai_api.matchup_id import well_formed_matchup
from ..upstream.protocol import MODE_DIRECT

_ENDPOINTS = {
    "/v1/chat/completions": "chat",
    "/v1/responses": "responses",
    "/v1/completions": "completions",
    "/v1/messages": "messages",
}
_UNKNOWN_MODEL = "(unknown)"


def endpoint_of(path: str) -> str:
    """A short name for the API endpoint of `path` ("chat", "responses", "models", ...)."""
    if path in _ENDPOINTS:
        return _ENDPOINTS[path]
    return path.removeprefix("/v1/").split("/", 1)[0] or "other"


def user_agent(request: Request) -> str:
    """The client's User-Agent, cut to a sane length."""
    return request.headers.get("user-agent", "")[:200]


def remember_model(request: Request, raw: object) -> None:
    """Keep the requested model name, so a refusal can be recorded under it."""
    if isinstance(raw, dict) and isinstance(raw.get("model"), str):
        request.state.openai_model = raw["model"]


def record_refusal(request: Request, status: int, label: str, body: dict[str, Any]) -> None:
    """Record an API request that was refused before it reached the pool (4xx, early 5xx);
    `body` is the OpenAI error body the client got (its type and message are kept)."""
    if not request.url.path.startswith("/v1/"):
        return
    coordinator: Any = getattr(request.app.state, "coordinator", None)
    if coordinator is None:
        return
    started = getattr(request.state, "started", None)
    coordinator.obs.record_request(
        RequestRecord(
            ts=time.time(),
            request_id=f"req-{uuid.uuid4().hex[:24]}",
            model=_model_label(request, coordinator),
            instance_id=None,
            strategy="",
            status=status,
            error_kind=label,
            ttft_s=None,
            duration_s=time.monotonic() - started if started is not None else 0.0,
            error_type=body["error"]["type"],
            error=body["error"]["message"],
            user_agent=user_agent(request),
            endpoint=endpoint_of(request.url.path),
            mode=_mode(request),
        )
    )


def _mode(request: Request) -> str:
    ask = well_formed_matchup(getattr(request.state, "openai_model", ""))
    return ask.mode if ask is not None else MODE_DIRECT


def _model_label(request: Request, coordinator: Any) -> str:
    # Only names the catalog knows become labels: a client's typo must not grow /metrics.
    name = getattr(request.state, "openai_model", "")
    known = {m.public_name for m in coordinator.catalog.list()}
    ask = well_formed_matchup(name)
    if ask is not None and all(n in known for n in ask.names):
        return name  # `battle`, or side-by-side of two known models
    return name if name in known else _UNKNOWN_MODEL

"""Map an upstream HTTP answer that is not a stream to the domain error that says what to do."""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime

from ..errors import (
    ContentRejected,
    CoolDown,
    Forbidden,
    NeedsAttention,
    PayloadTooLarge,
    PromptFailed,
    SessionRejected,
    TokenRefused,
    UpstreamError,
    UpstreamServerError,
)
from .protocol import CHALLENGE_MARKERS, ERROR_PROMPT_FAILED, ERROR_RECAPTCHA

DEFAULT_RETRY_AFTER_S = 30.0


def looks_like_challenge(text: str) -> bool:
    head = text[:20000]
    return any(marker in head for marker in CHALLENGE_MARKERS)


def _message(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:200]
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    return body.strip()[:200]


def parse_retry_after(value: str | None, now: float | None = None) -> float:
    """Seconds from a `Retry-After` header (seconds or an HTTP date); at least 1 s."""
    if not value:
        return DEFAULT_RETRY_AFTER_S
    try:
        return max(1.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_S
    return max(1.0, when - (time.time() if now is None else now))


def classify_failure(
    status: int, body: str, retry_after: str | None, instance_id: str
) -> Exception:
    """The error for a non-2xx upstream answer (client errors are not retried)."""
    msg = _message(body)
    if status == 403 and looks_like_challenge(body):
        return NeedsAttention(
            f"{instance_id}: the site shows a challenge page", instance_id=instance_id
        )
    if status == 429 and ERROR_PROMPT_FAILED in msg.lower():
        return PromptFailed(
            f"{instance_id}: the site refused the prompt ({msg}): identity flagged",
            retry_after_s=parse_retry_after(retry_after),
            instance_id=instance_id,
        )
    if status == 429:
        return CoolDown(
            f"{instance_id}: rate limited by the site ({msg})",
            retry_after_s=parse_retry_after(retry_after),
            instance_id=instance_id,
        )
    if status == 401:
        return SessionRejected(f"{instance_id}: session rejected: {msg}", instance_id=instance_id)
    if status == 403 and ERROR_RECAPTCHA in msg.lower():
        return TokenRefused(f"{instance_id}: forbidden: {msg}", instance_id=instance_id)
    if status == 403:
        return Forbidden(f"{instance_id}: forbidden: {msg}", instance_id=instance_id)
    if status == 413:
        return PayloadTooLarge(f"upstream: attachment too large: {msg}")
    if status == 422:
        return ContentRejected(f"upstream rejected the content: {msg}")
    if status >= 500:
        return UpstreamServerError(
            f"{instance_id}: upstream error {status}: {msg}", instance_id=instance_id
        )
    return UpstreamError(
        f"{instance_id}: upstream answered {status}: {msg}", instance_id=instance_id
    )

"""The one mapping from a domain error to what an OpenAI client receives."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import BridgeError, ClientError
from ..util.clip import clip

INTERNAL_MESSAGE = "Internal error in the bridge; see its log."  # any unexpected error
# A message names what was wrong; text it quotes from a request (a field name, a schema
# path, a model's reply) is cut so an error never echoes a request back whole.
MAX_MESSAGE = 500
MAX_PARAM = 120


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """Status, OpenAI-shaped body and headers of one error response."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def error_body(
    message: str, type: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """An error in OpenAI's shape: `{"error": {message, type, param, code}}`, bounded."""
    shown = None if param is None else clip(param, MAX_PARAM)
    return {
        "error": {"message": clip(message, MAX_MESSAGE), "type": type, "param": shown, "code": code}
    }


def error_reply(err: BridgeError) -> ErrorReply:
    """The reply for `err`: its class gives status and type; Retry-After when it has one."""
    headers: dict[str, str] = {}
    if err.retry_after_s is not None:
        headers["Retry-After"] = str(math.ceil(err.retry_after_s))
        # The openai SDKs read this one first: the wait to the millisecond.
        headers["retry-after-ms"] = str(math.ceil(err.retry_after_s * 1000))
    if isinstance(err, ClientError):
        headers["x-should-retry"] = "false"  # deterministic: the SDKs must not retry these
    body = error_body(err.message, err.openai_type, err.param, err.code)
    return ErrorReply(err.status, body, headers)


def http_error_type(status: int) -> str:
    """OpenAI error type for a plain HTTP error that is not a domain error (404 route, 405)."""
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    return "invalid_request_error" if 400 <= status < 500 else "api_error"

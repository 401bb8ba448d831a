"""Errors of the request itself (4xx): rejected, never retried."""

from __future__ import annotations

from .base import BridgeError


class ClientError(BridgeError):
    """The request itself is wrong; retrying it cannot help."""

    status = 400
    openai_type = "invalid_request_error"
    label = "bad_request"


class BadRequest(ClientError):
    """The request is malformed or asks for what the bridge cannot honour."""


class Unauthorized(ClientError):
    """Missing or wrong key."""

    status = 401
    openai_type = "authentication_error"
    label = "unauthorized"


class PermissionDenied(ClientError):
    """The caller may not use this part of the API from where it is."""

    status = 403
    openai_type = "permission_error"
    label = "permission_denied"


class NotFound(ClientError):
    """No such thing (instance, route)."""

    status = 404
    label = "not_found"


class ModelNotFound(NotFound):
    """No model with that name."""

    default_code = "model_not_found"


class RequestTimeout(ClientError):
    """The client did not send its request body in time."""

    status = 408
    label = default_code = "request_timeout"


class Conflict(ClientError):
    """The action does not fit the current state (e.g. no display for a visible window)."""

    status = 409
    label = "conflict"


class PayloadTooLarge(ClientError):
    """A body or attachment over a limit (ours or the site's)."""

    status = 413
    label = "payload_too_large"
    default_code = "payload_too_large"


class ContentRejected(ClientError):
    """The site refused the content (terms of use)."""

    status = 422
    label = "content_rejected"
    default_code = "content_rejected"


class UnusableReply(ClientError):
    """The model's reply broke the tool or JSON contract the client asked for, even after
    one repair turn; answering 200 with it would be silently wrong."""

    status = 422
    label = "unusable_reply"
    default_code = "unusable_reply"


class TooManyAttempts(ClientError):
    """This client guessed the admin key wrong too often; it may try after `retry_after_s`."""

    status = 429
    openai_type = "rate_limit_error"
    label = "too_many_attempts"
    retry_after_s: float

    def __init__(
        self, message: str, *, retry_after_s: float = 1.0, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s

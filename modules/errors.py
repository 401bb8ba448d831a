"""The one error tree of the bridge. Each class names its recovery.

    BridgeError
    ├── ConfigError                 fix the file; the process does not start
    ├── BrowserNotFound             install a browser; the process does not start
    ├── ClientError                 reject the request (4xx, never retried)
    │   ├── BadRequest              400
    │   ├── Unauthorized            401
    │   ├── NotFound                404 (ModelNotFound: unknown model)
    │   ├── PermissionDenied        403
│   ├── Conflict                409
│   ├── PayloadTooLarge         413
    │   └── ContentRejected         422
    ├── Unavailable                 503 + Retry-After (queue full, queue wait, shutting down)
    └── UpstreamError               something between the page and the site failed
        ├── RetryElsewhere          try another instance if nothing was sent yet
        │   ├── InstanceFailed      the browser/page broke (crash, timeout, closed)
        │   ├── UpstreamServerError the site answered 5xx
        │   ├── SessionRejected     the site refused this session (401)
        │   └── StreamCut           the stream ended without a finish line
        ├── CoolDown                429: park the instance until retry_after_s
        ├── NeedsAttention          challenge / login wall: park for a human
        └── UpstreamStreamError     the site reported an error inside the stream (a3:)
"""

from __future__ import annotations


class BridgeError(Exception):
    """Base of every error the bridge raises on purpose."""

    status = 500
    kind = "internal"

    def __init__(self, message: str, *, instance_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.instance_id = instance_id


class ConfigError(BridgeError):
    """The configuration file is wrong; the message names file and key."""


class BrowserNotFound(BridgeError):
    """No usable Chromium/Chrome was found; the message says how to install one."""


class ClientError(BridgeError):
    """The request itself is wrong; retrying it cannot help."""

    status = 400
    kind = "invalid_request_error"

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.param = param
        self.code = code


class BadRequest(ClientError):
    status = 400


class Unauthorized(ClientError):
    status = 401
    kind = "authentication_error"


class NotFound(ClientError):
    status = 404


class ModelNotFound(NotFound):
    """No model with that name."""


class PermissionDenied(ClientError):
    """The caller may not use this part of the API from where it is."""

    status = 403
    kind = "permission_error"


class Conflict(ClientError):
    """The action does not fit the current state (e.g. no display for a visible window)."""

    status = 409


class PayloadTooLarge(ClientError):
    status = 413


class ContentRejected(ClientError):
    status = 422


class Unavailable(BridgeError):
    """No capacity now; the client should retry after `retry_after_s`."""

    status = 503
    kind = "service_unavailable"

    def __init__(self, message: str, *, retry_after_s: float = 1.0, code: str = "unavailable"):
        super().__init__(message)
        self.retry_after_s = max(1.0, retry_after_s)
        self.code = code


class UpstreamError(BridgeError):
    """The upstream call failed; subclasses say what to do about it."""

    status = 502
    kind = "upstream_error"
    error_kind = "upstream"  # label for metrics and history


class RetryElsewhere(UpstreamError):
    """Another instance may succeed where this one failed."""


class InstanceFailed(RetryElsewhere):
    error_kind = "instance"


class UpstreamTimeout(RetryElsewhere):
    error_kind = "timeout"


class UpstreamServerError(RetryElsewhere):
    error_kind = "5xx"


class SessionRejected(RetryElsewhere):
    error_kind = "401"


class StreamCut(RetryElsewhere):
    error_kind = "cut_stream"


class CoolDown(UpstreamError):
    """429 from the site: this instance rests until `retry_after_s` has passed."""

    error_kind = "429"

    def __init__(self, message: str, *, retry_after_s: float, instance_id: str | None = None):
        super().__init__(message, instance_id=instance_id)
        self.retry_after_s = retry_after_s


class NeedsAttention(UpstreamError):
    """The site shows a human challenge or a login wall; a person must act."""

    error_kind = "challenge"


class Forbidden(UpstreamError):
    """403 that is not a challenge page (e.g. token validation failed)."""

    error_kind = "403"


class UpstreamStreamError(UpstreamError):
    """The site reported an error inside the stream (an `a3:` line)."""

    error_kind = "stream_error"

"""The one error tree of the bridge. Each class names its recovery and, once, its outside
face: HTTP `status`, OpenAI error `openai_type`, metrics/history `label`, `default_code`.
`modules/openai_api/errors.py` turns any of them into the OpenAI reply, and nothing else.

    BridgeError                     500 api_error
    ├── ConfigError                 fix the file; the process does not start
    ├── BrowserNotFound             install a browser; the process does not start
    ├── ClientError                 reject the request (4xx, never retried)
    │   ├── BadRequest              400
    │   ├── Unauthorized            401
    │   ├── PermissionDenied        403
    │   ├── NotFound                404
    │   │   └── ModelNotFound       404 unknown model
    │   ├── RequestTimeout          408 the body came too slowly
    │   ├── Conflict                409
    │   ├── PayloadTooLarge         413
    │   ├── ContentRejected         422
    │   ├── UnusableReply           422 the model broke the asked-for tools/JSON contract
    │   └── TooManyAttempts         429 + Retry-After: admin key guesses locked out
    ├── Unavailable                 503 + Retry-After: no capacity now
    │   ├── QueueFullError          the wait queue is full
    │   ├── QueueWaitTimeout        no instance became free in time
    │   ├── NoUsableInstance        every instance is parked or gone
    │   ├── NoPacedSlot             no identity may send within queue.timeout_s (pacing)
    │   ├── Paused                  the operator paused the bridge
    │   ├── ShuttingDown            the bridge is stopping
    │   └── TooManyFeeds            server.max_event_subscribers live feeds are open
    └── UpstreamError               502: something between the page and the site failed
        ├── RetryElsewhere          try another instance if nothing was sent yet
        │   ├── InstanceFailed      the browser/page broke (crash, closed)
        │   ├── UpstreamTimeout     no answer or silence past a deadline
        │   ├── UpstreamServerError the site answered 5xx
        │   ├── SessionRejected     the site refused this session (401)
        │   ├── StreamCut           the site cut the stream (not the instance's fault)
        │   ├── EmptyAnswer         the stream finished without any content
        │   ├── SiteUiMismatch      the chat page does not fit arena.ui (instance unhealthy)
        │   └── TransportSwitched   auto: fetch met a token gate; the instance now composes
        ├── CoolDown                429 + Retry-After: park the instance until retry_after_s
        │   └── PromptFailed        429 "prompt failed": the identity is flagged (penalty)
        ├── NeedsAttention          challenge / login wall: park for a human
        │   └── LoginExpired        GET /api/me says 401: the login ran out (log in again)
        ├── Forbidden               403 that is not a challenge
        │   └── TokenRefused        403 "recaptcha validation failed": flagged (penalty)
        └── UpstreamStreamError     the site reported an error inside the stream (a3:)
"""

from __future__ import annotations

from typing import ClassVar


class BridgeError(Exception):
    """Base of every error the bridge raises on purpose."""

    status: ClassVar[int] = 500
    openai_type: ClassVar[str] = "api_error"
    label: ClassVar[str] = "internal"  # metrics and history
    default_code: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        instance_id: str | None = None,
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.instance_id = instance_id
        self.param = param
        self.code = code or self.default_code
        # Set by the classes that tell the client when to come back (Retry-After).
        self.retry_after_s: float | None = None


class ConfigError(BridgeError):
    """The configuration file is wrong; the message names file and key."""

    label = "config"


class BrowserNotFound(BridgeError):
    """No usable Chromium/Chrome was found; the message says how to install one."""

    label = "no_browser"


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


class Unavailable(BridgeError):
    """No capacity now; the client should retry after `retry_after_s`."""

    status = 503
    openai_type = "service_unavailable"
    label = "unavailable"
    default_code = "unavailable"
    retry_after_s: float

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = max(1.0, retry_after_s)


class QueueFullError(Unavailable):
    """Every instance is busy and the wait queue is full."""

    label = default_code = "queue_full"


class QueueWaitTimeout(Unavailable):
    """The request waited `queue.timeout_s` and no instance became free."""

    label = default_code = "queue_timeout"


class NoUsableInstance(Unavailable):
    """No instance can serve: all parked for a person, or none running."""

    label = default_code = "no_usable_instance"


class NoPacedSlot(Unavailable):
    """Every identity's pace puts its next send past `queue.timeout_s`: told at once."""

    label = default_code = "no_paced_slot"


class Paused(Unavailable):
    """The operator paused the bridge (POST /api/pause); nothing reaches the site."""

    label = default_code = "paused"


class ShuttingDown(Unavailable):
    """The bridge stopped accepting work."""

    label = default_code = "shutting_down"


class TooManyFeeds(Unavailable):
    """As many live event feeds are open as the bridge serves."""

    label = default_code = "too_many_feeds"


class UpstreamError(BridgeError):
    """The upstream call failed; subclasses say what to do about it."""

    status = 502
    openai_type = "upstream_error"
    label = default_code = "upstream"


class RetryElsewhere(UpstreamError):
    """Another instance may succeed where this one failed."""


class InstanceFailed(RetryElsewhere):
    """The browser or page broke."""

    label = default_code = "instance"


class UpstreamTimeout(RetryElsewhere):
    """No response, or silence inside the stream, past its deadline."""

    label = default_code = "timeout"


class UpstreamServerError(RetryElsewhere):
    """The site answered 5xx (or an a3: line before any content)."""

    label = default_code = "5xx"


class SessionRejected(RetryElsewhere):
    """The site no longer accepts this session (401)."""

    label = default_code = "401"


class StreamCut(RetryElsewhere):
    """The site cut the stream (broken connection, or no finish line): not the instance's
    fault, so it is retried elsewhere before any byte but does not count against it."""

    label = default_code = "stream_cut"


class EmptyAnswer(RetryElsewhere):
    """The site finished the answer without sending any content."""

    label = default_code = "empty_answer"


class SiteUiMismatch(RetryElsewhere):
    """The chat page has no composer, file input or send button where arena.ui says."""

    label = default_code = "site_ui"


class TransportSwitched(RetryElsewhere):
    """`auto`: fetch met a token gate, so the instance now sends through the composer."""

    label = default_code = "transport_switched"


class CoolDown(UpstreamError):
    """429 from the site: this instance rests until `retry_after_s` has passed."""

    status = 429
    openai_type = "rate_limit_error"
    label = default_code = "429"
    retry_after_s: float

    def __init__(self, message: str, *, retry_after_s: float, instance_id: str | None = None):
        super().__init__(message, instance_id=instance_id)
        self.retry_after_s = retry_after_s


class PromptFailed(CoolDown):
    """429 "prompt failed": the site flagged this identity; it rests out a penalty."""

    label = default_code = "prompt_failed"


class NeedsAttention(UpstreamError):
    """The site shows a human challenge or a login wall; a person must act."""

    label = default_code = "challenge"


class LoginExpired(NeedsAttention):
    """The site no longer accepts this identity's login (401 on the cheap /api/me check)."""

    label = default_code = "login_expired"


class Forbidden(UpstreamError):
    """403 that is not a challenge page."""

    label = default_code = "403"


class TokenRefused(Forbidden):
    """403 "recaptcha validation failed": the site flagged this identity (or wanted a page
    token the send did not carry); the identity rests out a penalty."""

    label = default_code = "recaptcha"


class UpstreamStreamError(UpstreamError):
    """The site reported an error inside the stream (an `a3:` line)."""

    label = default_code = "stream_error"


def all_error_classes() -> list[type[BridgeError]]:
    """BridgeError and every subclass, depth first (for tests and docs)."""
    out: list[type[BridgeError]] = []
    todo: list[type[BridgeError]] = [BridgeError]
    while todo:
        cls = todo.pop(0)
        out.append(cls)
        todo[:0] = cls.__subclasses__()
    return out

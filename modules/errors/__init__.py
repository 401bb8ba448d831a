"""The one error tree of the bridge. Each class names its recovery and, once, its outside
face: HTTP `status`, OpenAI error `openai_type`, metrics/history `label`, `default_code`.
`modules/openai_api/errors.py` turns any of them into the OpenAI reply, and nothing else.
One module per family (base, client, unavailable, upstream); import every name from here.

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

from .base import (
    BridgeError,
    BrowserNotFound,
    ConfigError,
    all_error_classes,
)
from .client import (
    BadRequest,
    ClientError,
    Conflict,
    ContentRejected,
    ModelNotFound,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RequestTimeout,
    TooManyAttempts,
    Unauthorized,
    UnusableReply,
)
from .unavailable import (
    NoPacedSlot,
    NoUsableInstance,
    Paused,
    QueueFullError,
    QueueWaitTimeout,
    ShuttingDown,
    TooManyFeeds,
    Unavailable,
)
from .upstream import (
    CoolDown,
    EmptyAnswer,
    Forbidden,
    InstanceFailed,
    LoginExpired,
    NeedsAttention,
    PromptFailed,
    RetryElsewhere,
    SessionRejected,
    SiteUiMismatch,
    StreamCut,
    TokenRefused,
    TransportSwitched,
    UpstreamError,
    UpstreamServerError,
    UpstreamStreamError,
    UpstreamTimeout,
)

__all__ = [
    "BadRequest",
    "BridgeError",
    "BrowserNotFound",
    "ClientError",
    "ConfigError",
    "Conflict",
    "ContentRejected",
    "CoolDown",
    "EmptyAnswer",
    "Forbidden",
    "InstanceFailed",
    "LoginExpired",
    "ModelNotFound",
    "NeedsAttention",
    "NoPacedSlot",
    "NoUsableInstance",
    "NotFound",
    "Paused",
    "PayloadTooLarge",
    "PermissionDenied",
    "PromptFailed",
    "QueueFullError",
    "QueueWaitTimeout",
    "RequestTimeout",
    "RetryElsewhere",
    "SessionRejected",
    "ShuttingDown",
    "SiteUiMismatch",
    "StreamCut",
    "TokenRefused",
    "TooManyAttempts",
    "TooManyFeeds",
    "TransportSwitched",
    "Unauthorized",
    "Unavailable",
    "UnusableReply",
    "UpstreamError",
    "UpstreamServerError",
    "UpstreamStreamError",
    "UpstreamTimeout",
    "all_error_classes",
]

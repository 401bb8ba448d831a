"""Failures between the page and the site (502 and kin); each class names the recovery."""

from __future__ import annotations

from .base import BridgeError


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

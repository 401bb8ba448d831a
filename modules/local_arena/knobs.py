"""Run-time knobs that make the arena slow, fail, stall or challenge on demand."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..upstream import protocol
from .ui_variants import UiVariant

# Bodies the real site answers with, per status (SPEC appendix); used when fail_next gives none.
DEFAULT_ERROR_BODIES: dict[int, dict[str, str]] = {
    400: {"error": "Bad Request"},
    401: {"error": "Unauthorized"},
    403: {"error": protocol.ERROR_RECAPTCHA},
    413: {"error": "Request Entity Too Large"},
    422: {"error": protocol.ERROR_CONTENT_REJECTED},
    429: {"error": protocol.ERROR_TOO_MANY_REQUESTS},
}


def default_error_body(status: int) -> dict[str, str]:
    """The body the real site sends with this status."""
    return DEFAULT_ERROR_BODIES.get(status, {"error": "Internal Server Error"})


class _Knob(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RateLimit(_Knob):
    """Per user: the (max_requests+1)th stream request within window_s gets 429."""

    max_requests: int = Field(ge=0)
    window_s: float = Field(60.0, gt=0)
    retry_after_s: int | None = Field(None, ge=0, description="Default: until the window frees.")


class FailNext(_Knob):
    """The next `count` stream requests (of `sessions`, if given) answer `status`."""

    status: int = Field(ge=400, le=599)
    count: int = Field(1, ge=1)
    body: dict[str, Any] | str | None = None
    sessions: list[str] | None = None
    retry_after_s: int = Field(1, ge=0, description="Retry-After sent with a 429.")


class ErrorMidstream(_Knob):
    """Send `a3:"message"` after this many text tokens, then end the stream."""

    after_tokens: int = Field(0, ge=0)
    message: str = protocol.ERROR_RESOURCE_EXHAUSTED


class ChallengeTargets(_Knob):
    """Only these users see the challenge page."""

    sessions: list[str]


class SlowSessions(_Knob):
    """Every nth user by sign-up order is `factor` times slower."""

    every_nth: int = Field(3, ge=1)
    factor: float = Field(3.0, gt=0)


class Quota(_Knob):
    """The budget the `ratelimit` headers report, per user and fixed window; 0 left → 429."""

    limit: int = Field(1800, ge=0)
    window_s: float = Field(300.0, gt=0)


class Risk(_Knob):
    """Per identity: more than `max_sends` sends within `window_s` flag it for `flag_s`.

    While flagged every send attempt is refused (`refusal` says how) and extends the flag.
    """

    max_sends: int = Field(ge=0)
    window_s: float = Field(gt=0)
    flag_s: float = Field(gt=0)
    refusal: Literal["recaptcha", "prompt_failed"] = "recaptcha"


class Knobs(_Knob):
    """Everything a test or demo may change while the arena runs."""

    tokens_per_s: float = Field(50.0, gt=0)
    ttft_ms: int = Field(50, ge=0)
    rate_limit: RateLimit | None = None
    fail_next: FailNext | None = None
    error_midstream: ErrorMidstream | None = None
    stall_after_tokens: int | None = Field(None, ge=0)
    cut_after_tokens: int | None = Field(None, ge=0)
    challenge: bool | ChallengeTargets = False
    per_session_speed: dict[str, float] = Field(default_factory=dict)
    # Extra time to first token (ms) for these models (public names): a slowed model.
    model_ttft_ms: dict[str, int] = Field(default_factory=dict)
    slow_sessions: SlowSessions | None = None
    # The 2025 protocol: tokenless sends with the full messages[] body, mode "direct".
    legacy_protocol: bool = False
    # Legacy mode only: refuse a send whose body has no page token (2026 always verifies).
    require_page_token: bool = False
    quota: Quota = Field(default_factory=Quota)
    risk: Risk | None = None
    # Another layout of the chat page (ui_variants.py), to test the bridge's UI adapter.
    ui_variant: UiVariant = "standard"

    @model_validator(mode="after")
    def _positive_speeds(self) -> Knobs:
        bad = [uid for uid, factor in self.per_session_speed.items() if factor <= 0]
        if bad:
            raise ValueError(f"per_session_speed: factors must be > 0 (bad: {bad})")
        negative = [name for name, ms in self.model_ttft_ms.items() if ms < 0]
        if negative:
            raise ValueError(f"model_ttft_ms: delays must be >= 0 (bad: {negative})")
        return self

    def challenges(self, user_id: str | None) -> bool:
        """Whether this visitor (None = no session yet) gets the challenge page."""
        if isinstance(self.challenge, bool):
            return self.challenge
        return user_id is not None and user_id in self.challenge.sessions

    def speed_factor(self, user_id: str, signup_order: int) -> float:
        """How many times slower than the base speed this user is served."""
        factor = self.per_session_speed.get(user_id, 1.0)
        slow = self.slow_sessions
        if slow is not None and signup_order % slow.every_nth == 0:
            factor *= slow.factor
        return factor


def merge_knobs(current: Knobs, update: dict[str, Any], initial: Knobs) -> Knobs:
    """Apply a partial update; `reset: true` first restores `initial`. Raises ValueError."""
    update = dict(update)
    base = initial if update.pop("reset", False) else current
    unknown = set(update) - set(Knobs.model_fields)
    if unknown:
        raise ValueError(f"unknown knob(s): {sorted(unknown)}")
    # Top-level keys replace whole values, so {"rate_limit": null} switches one off.
    return Knobs.model_validate({**base.model_dump(), **update})

"""Checks a send passes before its body matters, in the site's order: challenge, session,
risk flag, injected faults, rate limits."""

from __future__ import annotations

import math

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from ..upstream import protocol
from .knobs import default_error_body
from .page_html import challenge_response
from .refusals import Refused, no_access, recaptcha_failed, refuse
from .sessions import User
from .state import ArenaState


def admit(request: Request, state: ArenaState, user: User | None, session_hint: str) -> User:
    """The user behind this send, if every entry check lets it through; raises Refused."""
    if state.knobs.challenges(user.id if user else None):
        raise Refused(challenge_response(), "challenge")
    if user is None:
        raise refuse(401, "Unauthorized", "no_session")
    state.sessions.count_request(user)
    _check_risk(state, user)
    _check_injected(state, user, session_hint)
    _check_rate_limit(state, user)
    _check_quota(state, user)
    return user


def _check_risk(state: ArenaState, user: User) -> None:
    risk = state.knobs.risk
    if user.standing.admit(risk, state.clock()):
        return
    assert risk is not None  # admit refuses only with a risk model
    if risk.refusal == "prompt_failed":
        raise refuse(429, protocol.ERROR_PROMPT_FAILED, "flagged")
    raise recaptcha_failed("flagged")


def _check_injected(state: ArenaState, user: User, session_hint: str) -> None:
    """Answer from the fail_next knob if it applies to this user; counts it down."""
    fail = state.knobs.fail_next
    if fail is None or (fail.sessions is not None and user.id not in fail.sessions):
        return
    if fail.count <= 1:
        state.knobs.fail_next = None
    else:
        fail.count -= 1
    headers = {"Retry-After": str(fail.retry_after_s)} if fail.status == 429 else None
    response: Response
    if isinstance(fail.body, str):
        cls = HTMLResponse if fail.body.lstrip().startswith("<") else PlainTextResponse
        response = cls(fail.body, status_code=fail.status, headers=headers)
    elif fail.body is not None:
        response = JSONResponse(fail.body, status_code=fail.status, headers=headers)
    elif fail.status == 401:
        response = no_access(user.id, session_hint).response
    else:
        body = default_error_body(fail.status)
        response = JSONResponse(body, status_code=fail.status, headers=headers)
    raise Refused(response, "injected")


def _too_many(retry_after_s: int) -> Refused:
    headers = {"Retry-After": str(retry_after_s)}
    return refuse(429, protocol.ERROR_TOO_MANY_REQUESTS, "rate_limited", headers)


def _check_rate_limit(state: ArenaState, user: User) -> None:
    limit = state.knobs.rate_limit
    if limit is None:
        return
    wait_s = state.sessions.rate_limited(user, limit.max_requests, limit.window_s)
    if wait_s is not None:
        retry = limit.retry_after_s
        if retry is None:  # tell the client when the window frees, at least 1 s
            retry = max(1, math.ceil(wait_s))
        raise _too_many(retry)


def _check_quota(state: ArenaState, user: User) -> None:
    quota, now = state.knobs.quota, state.clock()
    if not user.quota.take(quota, now):
        raise _too_many(user.quota.reset_in(quota, now))

"""Anonymous sign-up (the page calls it on load) and the `/api/me` login check."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..upstream import protocol
from .page_html import challenge_response
from .recaptcha import verify
from .refusals import Refused, error
from .sessions import auth_cookie_parts, encode_session
from .state import arena_state

router = APIRouter()

_COOKIE_MAX_AGE_S = 400 * 24 * 3600


def _set_cookie(response: Response, name: str, value: str) -> None:
    # Not HttpOnly: the real site writes these from JavaScript, and the page reads them.
    response.set_cookie(
        name, value, max_age=_COOKIE_MAX_AGE_S, path="/", samesite="lax", httponly=False
    )


def _body_token(raw: bytes) -> object:
    """The page token in a sign-up body, if any."""
    try:
        body = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body.get(protocol.PAGE_TOKEN_FIELD) if isinstance(body, dict) else None


@router.post(protocol.ANONYMOUS_SIGNUP_PATH)
async def sign_up(request: Request) -> Response:
    """Create an anonymous user and set its (split) auth cookie and provisional id."""
    state = arena_state(request)
    if state.knobs.challenges(None):
        return challenge_response()
    if not state.knobs.legacy_protocol:  # 2026: the same reCAPTCHA gate, action sign_up
        token = _body_token(await request.body())
        try:
            verify(request, state, token, protocol.RECAPTCHA_ACTION_SIGN_UP, None)
        except Refused as refused:
            return refused.response
    user = state.sessions.sign_up()
    response = JSONResponse({"user": {"id": user.id, "is_anonymous": True}})
    parts = auth_cookie_parts(encode_session(user.id))
    for name, value in parts.items():
        _set_cookie(response, name, value)
    # Drop leftovers of an older session so the parts read back as one value.
    for name in request.cookies:
        if name.startswith(protocol.AUTH_COOKIE) and name not in parts:
            response.delete_cookie(name, path="/", samesite="lax", httponly=False)
    _set_cookie(response, protocol.PROVISIONAL_USER_COOKIE, user.id)
    return response


@router.get(protocol.ME_PATH)
async def me(request: Request) -> Response:
    """200 with the user for a valid session, else 401; spends no chat quota. A challenge
    covers it like every other path of the site."""
    state = arena_state(request)
    user = state.sessions.user_for(request.cookies)
    if state.knobs.challenges(user.id if user else None):
        return challenge_response()
    if user is None:
        return error(401, "Unauthorized")
    return JSONResponse({"user": {"id": user.id, "is_anonymous": user.anonymous}})

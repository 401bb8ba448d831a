"""Anonymous sign-up: the page script calls it on load to get session cookies."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..upstream import protocol
from .page import challenge_response
from .sessions import auth_cookie_parts, encode_session
from .state import arena_state

router = APIRouter()

_COOKIE_MAX_AGE_S = 400 * 24 * 3600


def _set_cookie(response: Response, name: str, value: str) -> None:
    # Not HttpOnly: the real site writes these from JavaScript, and the page reads them.
    response.set_cookie(
        name, value, max_age=_COOKIE_MAX_AGE_S, path="/", samesite="lax", httponly=False
    )


@router.post(protocol.ANONYMOUS_SIGNUP_PATH)
async def sign_up(request: Request) -> Response:
    """Create an anonymous user and set its (split) auth cookie and provisional id."""
    state = arena_state(request)
    if state.knobs.challenges(None):
        return challenge_response()
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

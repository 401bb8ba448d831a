"""The fake reCAPTCHA Enterprise: its script, its token endpoint, and token checks.

A token is bound to the visitor cookie set when the page loads (sign-up happens before
any session exists) and, once signed up, to the user; it is single use and expires.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from ..upstream import protocol
from .page_html import SITE_KEY
from .refusals import recaptcha_failed
from .state import ArenaState, arena_state

log = logging.getLogger(__name__)
router = APIRouter()

_SCRIPT = (Path(__file__).with_name("static") / "recaptcha_stub.js").read_text(encoding="utf-8")
_VISITOR_MAX_AGE_S = 180 * 24 * 3600


def visitor_of(request: Request) -> str | None:
    """The browser's visitor id (reCAPTCHA's own cookie), if it has one."""
    return request.cookies.get(protocol.LOCAL_RECAPTCHA_VISITOR_COOKIE) or None


def ensure_visitor(request: Request, response: Response) -> None:
    """Give a browser without one a visitor cookie (on page load)."""
    if visitor_of(request) is None:
        response.set_cookie(
            protocol.LOCAL_RECAPTCHA_VISITOR_COOKIE,
            secrets.token_urlsafe(16),
            max_age=_VISITOR_MAX_AGE_S,
            path="/",
            samesite="lax",
            httponly=True,
        )


def verify(
    request: Request, state: ArenaState, token: object, action: str, user_id: str | None
) -> None:
    """Spend the request's token; raises Refused (403) unless it is good for this send."""
    reason = state.tokens.redeem(
        token, visitor=visitor_of(request), user_id=user_id, action=action, now=state.clock()
    )
    if reason is not None:
        log.debug("reCAPTCHA token refused (%s) for %s", reason, action)
        raise recaptcha_failed()


@router.get(protocol.LOCAL_RECAPTCHA_SCRIPT_PATH)
async def script() -> Response:
    """The grecaptcha.enterprise stand-in the page loads."""
    config = json.dumps({"tokenPath": protocol.LOCAL_RECAPTCHA_TOKEN_PATH})
    return Response(f"{_SCRIPT.rstrip()}({config});\n", media_type="text/javascript")


@router.post(protocol.LOCAL_RECAPTCHA_TOKEN_PATH)
async def token(request: Request) -> JSONResponse:
    """`execute(sitekey, {action})`: a token for this visitor (and user, if signed in)."""
    state = arena_state(request)
    try:
        asked = json.loads(await request.body() or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        asked = None
    if not isinstance(asked, dict) or asked.get("sitekey") != SITE_KEY:
        return JSONResponse({"error": "invalid site key"}, status_code=400)
    action = asked.get("action")
    if not isinstance(action, str) or not action:
        return JSONResponse({"error": "action is required"}, status_code=400)
    visitor = visitor_of(request)
    if visitor is None:
        return JSONResponse({"error": "no reCAPTCHA cookie: load the page first"}, status_code=400)
    user = state.sessions.user_for(request.cookies)
    issued = state.tokens.issue(visitor, user.id if user else None, action, state.clock())
    return JSONResponse({"token": issued})

"""Page routes: the chat page (`/` and `/text/direct`), favicon and 'generated' images."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ..upstream import protocol
from .page_html import challenge_response, chat_html
from .recaptcha import ensure_visitor
from .state import arena_state

router = APIRouter()

# A 1x1 transparent PNG: the "generated image" every image model returns.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
@router.api_route(protocol.CHAT_PAGE_PATH, methods=["GET", "HEAD"], response_class=HTMLResponse)
async def chat_page(request: Request) -> Response:
    """The chat page (model from `?model_a=`), or the challenge page for challenged visitors."""
    state = arena_state(request)
    user = state.sessions.user_for(request.cookies)
    if state.knobs.challenges(user.id if user else None):
        return challenge_response()
    model_a = request.query_params.get(protocol.CHAT_MODEL_PARAM)
    response = HTMLResponse(chat_html(state.settings.models, model_a, state.knobs.legacy_protocol))
    ensure_visitor(request, response)
    return response


@router.get("/favicon.ico")
async def favicon() -> Response:
    """A tiny icon, so the browser console shows no 404 a health check might flag."""
    return Response(TINY_PNG, media_type="image/png")


@router.get("/_images/{name}")
async def image(name: str) -> Response:
    """Serve a 'generated' image (every name is the same tiny PNG)."""
    if not name.endswith(".png"):
        return Response(status_code=404)
    return Response(TINY_PNG, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

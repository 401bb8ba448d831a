"""Page routes: the chat page (`/` and `/text/direct`), favicon and 'generated' images."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ..upstream import protocol
from .page_html import PageMode, challenge_response, chat_html
from .recaptcha import ensure_visitor
from .state import arena_state

router = APIRouter()

# A 1x1 transparent PNG: the "generated image" every image model returns.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


# Each chat page and the mode its new chats start in.
_PAGE_MODES = {
    "/": protocol.MODE_DIRECT_BATTLE,
    protocol.CHAT_PAGE_PATH: protocol.MODE_DIRECT_BATTLE,
    protocol.SIDE_BY_SIDE_PAGE_PATH: protocol.MODE_SIDE_BY_SIDE,
    protocol.BATTLE_PAGE_PATH: protocol.MODE_BATTLE,
}


async def chat_page(request: Request) -> Response:
    """A chat page (models from `?model_a=` / `?model_b=`), or the challenge page."""
    state = arena_state(request)
    user = state.sessions.user_for(request.cookies)
    if state.knobs.challenges(user.id if user else None):
        return challenge_response()
    query = request.query_params
    page = PageMode(
        _PAGE_MODES[request.url.path],
        query.get(protocol.CHAT_MODEL_PARAM),
        query.get(protocol.CHAT_MODEL_B_PARAM),
    )
    response = HTMLResponse(
        chat_html(state.settings.models, page, state.knobs.legacy_protocol, state.knobs.ui_variant)
    )
    ensure_visitor(request, response)
    state.page_loads += 1
    return response


for _path in _PAGE_MODES:
    router.add_api_route(_path, chat_page, methods=["GET", "HEAD"], response_class=HTMLResponse)


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

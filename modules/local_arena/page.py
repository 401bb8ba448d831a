"""The home page (models embedded as Next.js flight data, page script), challenge page, images."""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ..upstream import protocol
from .page_script import PAGE_SCRIPT
from .state import arena_state

router = APIRouter()

# A 1x1 transparent PNG: the "generated image" every image model returns.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

_CHALLENGE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{protocol.CHALLENGE_TITLE}</title></head>
<body><div id="cf-challenge" class="challenge-platform">
<h1>{protocol.CHALLENGE_TITLE}</h1>
<p>Checking your browser before accessing the local arena. A person must continue here.</p>
</div></body></html>
"""

_HOME_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMArena (local)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; }}
#messages > div {{ white-space: pre-wrap; margin: .5rem 0; padding: .5rem; border-radius: 6px; }}
.user {{ background: #eef; }} .assistant {{ background: #efe; }} .error {{ background: #fee; }}
.reasoning {{ color: #777; font-style: italic; }} textarea {{ width: 100%; }}
</style></head>
<body data-session="loading" data-streaming="idle">
<h1>LMArena (local)</h1>
<div id="messages" data-testid="messages"></div>
<form id="composer" data-testid="composer">
<select id="model-select" name="model" data-testid="model-select">{options}</select>
<textarea id="composer-input" name="message" rows="3" data-testid="composer-input"
 placeholder="Ask anything..."></textarea>
<button id="send-button" type="submit" data-testid="send-button">Send</button>
</form>
<script>self.__next_f=self.__next_f||[];self.__next_f.push([0])</script>
<script>self.__next_f.push([1,{flight}])</script>
<script>{config}</script>
<script>{script}</script>
</body></html>
"""


def challenge_response() -> HTMLResponse:
    """The 403 human-challenge page the site shows instead of content."""
    return HTMLResponse(_CHALLENGE_HTML, status_code=403)


def flight_literal(models: tuple[dict[str, Any], ...]) -> str:
    """A JS string literal holding a flight row whose JSON names `initialModels`."""
    row = json.dumps(
        ["$", "$L1", None, {protocol.INITIAL_MODELS_KEY: list(models)}], separators=(",", ":")
    )
    # A JSON string literal escapes the quotes, like Next.js; "<" is escaped so the data
    # can never close the <script> element.
    return json.dumps(f"5:{row}\n").replace("<", "\\u003c")


def home_html(models: tuple[dict[str, Any], ...]) -> str:
    """The full home page for these models."""
    options = "".join(
        f'<option value="{html.escape(m["id"])}">{html.escape(m["publicName"])}</option>'
        for m in models
    )
    config = {
        "models": list(models),
        "signUpPath": protocol.ANONYMOUS_SIGNUP_PATH,
        "authCookie": protocol.AUTH_COOKIE,
        "provisionalCookie": protocol.PROVISIONAL_USER_COOKIE,
        "provisionalStorageKey": protocol.PROVISIONAL_USER_STORAGE_KEY,
        "createPath": protocol.CREATE_EVALUATION_PATH,
        "postPath": protocol.POST_TO_EVALUATION_PATH,
        "contentType": protocol.REQUEST_CONTENT_TYPE,
        "tokenField": protocol.PAGE_TOKEN_FIELD,
    }
    config_js = "window.__ARENA__=" + json.dumps(config).replace("<", "\\u003c") + ";"
    return _HOME_HTML.format(
        options=options, flight=flight_literal(models), config=config_js, script=PAGE_SCRIPT
    )


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def home(request: Request) -> Response:
    """Home page, or the challenge page for challenged visitors."""
    state = arena_state(request)
    user = state.sessions.user_for(request.cookies)
    if state.knobs.challenges(user.id if user else None):
        return challenge_response()
    return HTMLResponse(home_html(state.settings.models))


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

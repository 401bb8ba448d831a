"""The chat page's HTML (models embedded as Next.js flight data, composer, page script)
and the challenge page."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

from ..upstream import protocol
from .ui_variants import UiVariant, variant_markup, variant_script

_STATIC = Path(__file__).with_name("static")
_CHAT_JS = (_STATIC / "page_chat.js").read_text(encoding="utf-8")
_SEND_JS = {
    "2025": (_STATIC / "page_send_2025.js").read_text(encoding="utf-8"),
    "2026": (_STATIC / "page_send_2026.js").read_text(encoding="utf-8"),
}
# The site key the page hands to grecaptcha (the real site has one from Google).
SITE_KEY = "6LcLocalArenaKey-0000000000000000000000"

_CHALLENGE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{protocol.CHALLENGE_TITLE}</title></head>
<body><div id="cf-challenge" class="challenge-platform">
<h1>{protocol.CHALLENGE_TITLE}</h1>
<p>Checking your browser before accessing the local arena. A person must continue here.</p>
</div></body></html>
"""

_PAGE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMArena (local)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; }}
#messages > div {{ white-space: pre-wrap; margin: .5rem 0; padding: .5rem; border-radius: 6px; }}
.user {{ background: #eef; }} .assistant {{ background: #efe; }} .error {{ background: #fee; }}
.reasoning {{ color: #777; font-style: italic; }} textarea {{ width: 100%; }}
.assistant-b {{ background: #fef; }}
</style>{head_scripts}</head>
<body data-session="loading" data-streaming="idle" data-turns="0" data-protocol="{protocol}">
<header><h1>LMArena (local)</h1><a id="new-chat" href="{new_chat}">New chat</a></header>
<div id="messages" data-testid="messages" aria-live="polite"></div>
<form id="composer" data-testid="composer">
{selects}
<textarea id="composer-input" name="message" rows="3" data-testid="composer-input"
 aria-label="Message" placeholder="Ask anything..."></textarea>
<div id="attached" data-testid="attached"></div>
<input id="file-input" name="files" type="file" accept="image/*" multiple
 aria-label="Attach images" data-testid="file-input">
<button id="send-button" type="submit" data-testid="send-button" aria-label="Send">Send</button>
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


@dataclass(frozen=True, slots=True)
class PageMode:
    """Which chat page: the mode its new chats start in and the preselected models."""

    mode: str = protocol.MODE_DIRECT_BATTLE
    model_a: str | None = None
    model_b: str | None = None


def _options(models: tuple[dict[str, Any], ...], selected: str | None) -> str:
    """The model picker, preselecting the model whose public name is `selected`."""
    return "".join(
        f'<option value="{html.escape(m["id"])}"'
        + (" selected" if m["publicName"] == selected else "")
        + f">{html.escape(m['publicName'])}</option>"
        for m in models
    )


def _selects(models: tuple[dict[str, Any], ...], page: PageMode) -> str:
    """The model pickers: one, two side by side, none in a blind battle."""
    if page.mode == protocol.MODE_BATTLE:
        return ""
    out = (
        '<select id="model-select" name="model" aria-label="Model" data-testid="model-select">'
        f"{_options(models, page.model_a)}</select>"
    )
    if page.mode == protocol.MODE_SIDE_BY_SIDE:
        out += (
            '<select id="model-b-select" name="model_b" aria-label="Model B" '
            f'data-testid="model-b-select">{_options(models, page.model_b)}</select>'
        )
    return out


def _config(models: tuple[dict[str, Any], ...], mode: str) -> str:
    """`window.__ARENA__`: the paths and names the page script needs, from the protocol."""
    config = {
        "pageMode": mode,  # the mode a new chat on this page starts in (2025: direct)
        "models": list(models),
        "signUpPath": protocol.ANONYMOUS_SIGNUP_PATH,
        "authCookie": protocol.AUTH_COOKIE,
        "provisionalCookie": protocol.PROVISIONAL_USER_COOKIE,
        "provisionalStorageKey": protocol.PROVISIONAL_USER_STORAGE_KEY,
        "createPath": protocol.CREATE_EVALUATION_PATH,
        "postPath": protocol.POST_TO_EVALUATION_PATH,
        "contentType": protocol.REQUEST_CONTENT_TYPE,
        "tokenField": protocol.PAGE_TOKEN_FIELD,
        "siteKey": SITE_KEY,
        "chatAction": protocol.RECAPTCHA_ACTION_CHAT,
        "signUpAction": protocol.RECAPTCHA_ACTION_SIGN_UP,
        "legacyMode": protocol.MODE_DIRECT,
    }
    return "window.__ARENA__=" + json.dumps(config).replace("<", "\\u003c") + ";"


def _new_chat(page: PageMode) -> str:
    """The link that starts a new chat like this one."""
    paths = {
        protocol.MODE_SIDE_BY_SIDE: protocol.SIDE_BY_SIDE_PAGE_PATH,
        protocol.MODE_BATTLE: protocol.BATTLE_PAGE_PATH,
    }
    query = {protocol.CHAT_MODEL_PARAM: page.model_a, protocol.CHAT_MODEL_B_PARAM: page.model_b}
    shown = {k: v for k, v in query.items() if v and page.mode != protocol.MODE_BATTLE}
    path = paths.get(page.mode, protocol.CHAT_PAGE_PATH)
    return path + ("?" + urlencode(shown) if shown else "")


def chat_html(
    models: tuple[dict[str, Any], ...],
    page: PageMode,
    legacy: bool,
    variant: UiVariant = "standard",
) -> str:
    """The chat page; `legacy` serves the 2025 page script, else the 2026 one (with reCAPTCHA);
    `variant` one of the other layouts (ui_variants.py)."""
    version = "2025" if legacy else "2026"
    recaptcha = f"{protocol.LOCAL_RECAPTCHA_SCRIPT_PATH}?{urlencode({'render': SITE_KEY})}"
    markup = _PAGE_HTML.format(
        head_scripts="" if legacy else f'\n<script src="{html.escape(recaptcha)}"></script>',
        protocol=version,
        new_chat=html.escape(_new_chat(page)),
        selects=_selects(models, page),
        flight=flight_literal(models),
        config=_config(models, page.mode),
        script=variant_script(variant) + _CHAT_JS + _SEND_JS[version],
    )
    return variant_markup(markup, variant)

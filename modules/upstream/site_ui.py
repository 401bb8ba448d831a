"""Everything the `compose` transport knows about the site's UI, in one place.

Nobody here knows the real site's markup, so the defaults find things the way a person
does: the visible, enabled multi-line text box of the chat form, Enter to send, the form's
file input for images. Each value can be overridden in config.jsonc under `arena.ui.*`
(the field names below), so a change of the site's markup is a config edit. The scripts
run inside the page; they only look, never change the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from modules.upstream.matchup import Matchup

# Chat page of a new direct chat, and the query parameter that preselects the model.
CHAT_PATH = "/text/direct"
MODEL_PARAM = "model_a"
# Battle pages (assumed by analogy with /text/direct; SPEC names the modes, not the pages):
# side-by-side preselects both models, a blind battle names none.
SIDE_BY_SIDE_PATH = "/text/side-by-side"
MODEL_B_PARAM = "model_b"
BATTLE_PATH = "/text/battle"
# How a message is sent: Enter in the composer (as a person types), or the send button.
SUBMIT_ENTER = "enter"
SUBMIT_BUTTON = "button"
# A page carries a reCAPTCHA gate when a global or a script URL matches this (any case).
GATE_MARKER = "recaptcha"
# After submitting, the page must start its stream request within this many seconds.
SEND_TIMEOUT_S = 10.0

Submit = Literal["enter", "button"]

# (selector) -> the composer element or null. An empty selector means: every visible,
# enabled multi-line text box; prefer one inside a form with a button; among equals the
# last one (chat composers sit below the transcript). Hidden boxes (the one reCAPTCHA adds)
# and single-line inputs (search fields) are never chosen.
FIND_COMPOSER_JS = """(selector) => {
  const shown = (el) => {
    const st = getComputedStyle(el);
    if (st.display === "none" || st.visibility !== "visible" || Number(st.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width >= 2 && r.height >= 2 && !el.closest('[hidden],[aria-hidden="true"],[inert]');
  };
  const usable = (el) => !el.disabled && !el.readOnly &&
    el.getAttribute("aria-disabled") !== "true" && el.getAttribute("aria-readonly") !== "true";
  const query = selector ||
    'textarea, [contenteditable="true"], [contenteditable=""], [role="textbox"][aria-multiline="true"]';
  let best = null, bestScore = -1;
  for (const el of document.querySelectorAll(query)) {
    if (!shown(el) || !usable(el)) continue;
    const form = el.closest("form");
    const score = (form ? 2 : 0) + (form && form.querySelector("button,[role=button]") ? 1 : 0);
    if (score >= bestScore) { best = el; bestScore = score; }
  }
  return best;
}"""

# ([composer, selector]) -> the file input images go through, or null.
FIND_FILE_INPUT_JS = """([composer, selector]) => {
  if (selector) return document.querySelector(selector);
  const form = composer.closest("form");
  return (form && form.querySelector('input[type="file"]')) ||
    document.querySelector('input[type="file"]');
}"""

# ([composer, selector]) -> the send button (submit = "button"), or null: the form's submit
# button, else a button whose label, title or text says send.
FIND_SEND_BUTTON_JS = """([composer, selector]) => {
  if (selector) return document.querySelector(selector);
  const form = composer.closest("form") || document;
  const says = (b) => /send|submit/i.test(
    [b.getAttribute("aria-label"), b.title, b.textContent].filter(Boolean).join(" "));
  const buttons = [...form.querySelectorAll('button,[role="button"],input[type="submit"]')];
  return buttons.find((b) => b.type === "submit") || buttons.find(says) || null;
}"""

# (marker) -> whether the page carries a token gate (a matching global or script URL).
HAS_GATE_JS = """(marker) => {
  const re = new RegExp(marker, "i");
  return Object.keys(window).some((k) => re.test(k)) ||
    [...document.scripts].some((s) => re.test(s.src || ""));
}"""

# () -> the text still in the focused composer (used to tell "not sent" from "sent").
COMPOSER_TEXT_JS = """(el) => ("value" in el ? el.value : el.textContent) || \"\""""


@dataclass(frozen=True, slots=True)
class SiteUi:
    """The UI facts in force: the defaults above, with `arena.ui.*` overrides applied."""

    chat_path: str = CHAT_PATH
    model_param: str = MODEL_PARAM
    side_by_side_path: str = SIDE_BY_SIDE_PATH
    model_b_param: str = MODEL_B_PARAM
    battle_path: str = BATTLE_PATH
    composer: str = ""
    submit: Submit = "enter"
    send_button: str = ""
    file_input: str = ""
    gate_marker: str = GATE_MARKER
    send_timeout_s: float = SEND_TIMEOUT_S

    def chat_url(self, origin: str, model_public_name: str, matchup: Matchup | None = None) -> str:
        """The page of a new chat with its model(s) preselected (none in a blind battle)."""
        base = origin.rstrip("/")
        if matchup is None:
            return f"{base}{self.chat_path}?{urlencode({self.model_param: model_public_name})}"
        if matchup.model_b is None:
            return f"{base}{self.battle_path}"
        query = {
            self.model_param: model_public_name,
            self.model_b_param: matchup.model_b.public_name,
        }
        return f"{base}{self.side_by_side_path}?{urlencode(query)}"

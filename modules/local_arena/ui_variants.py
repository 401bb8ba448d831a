"""Other layouts of the chat page (knob `ui_variant`), so the bridge's UI adapter is tested
against markup it was not written for, and against pages it cannot work with.

- `standard`: the page as it is.
- `alternate`: other inputs before the composer, a hidden textarea like the one reCAPTCHA
  adds, an icon-only send button with just an aria-label, and a composer that keeps its
  own state from real input events (a value set by a script is ignored, as with a
  framework-bound box).
- `renamed`: the message box became a single-line input (`input[name=message]`).
- `silent`: the page never sends (Enter and the button do nothing).
"""

from __future__ import annotations

from typing import Literal

UiVariant = Literal["standard", "alternate", "renamed", "silent"]

_TEXTAREA = """<textarea id="composer-input" name="message" rows="3" data-testid="composer-input"
 aria-label="Message" placeholder="Ask anything..."></textarea>"""
_SEND_BUTTON = """aria-label="Send">Send</button>"""

_BEFORE = """<input type="search" name="q" placeholder="Search chats" aria-label="Search">
<input type="text" name="title" placeholder="Chat title">
<textarea id="g-recaptcha-response" name="g-recaptcha-response" style="display:none"></textarea>
"""
_ICON = """aria-label="Send"><svg width="16" height="16" aria-hidden="true">\
<path d="M1 8h14M9 2l6 6-6 6" stroke="currentColor" fill="none"/></svg></button>"""
_RENAMED = """<input type="text" id="composer-input" name="message" data-testid="composer-input"
 aria-label="Message" placeholder="Ask anything...">"""

# Runs before the page's own script: the box reports only what real input events typed.
_TRUSTED_ONLY_JS = """(() => {
  const box = document.getElementById('composer-input');
  const own = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
  let typed = '';
  box.addEventListener('input', (e) => { if (e.isTrusted) typed = own.get.call(box); }, true);
  Object.defineProperty(box, 'value', {
    get() { return typed; },
    set(v) { own.set.call(box, v); if (v === '') typed = ''; },
  });
})();
"""
# Runs before the page's own script: Enter and submit are swallowed.
_SILENT_JS = """(() => {
  const stop = (e) => { e.preventDefault(); e.stopImmediatePropagation(); };
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter') stop(e); }, true);
  window.addEventListener('submit', stop, true);
})();
"""


def variant_markup(form: str, variant: UiVariant) -> str:
    """The composer form's markup in this layout."""
    if variant == "alternate":
        form = form.replace(_TEXTAREA, _BEFORE + _TEXTAREA).replace(_SEND_BUTTON, _ICON)
    elif variant == "renamed":
        form = form.replace(_TEXTAREA, _RENAMED)
    return form


def variant_script(variant: UiVariant) -> str:
    """Script that runs before the page's own, changing how its composer behaves."""
    return {"alternate": _TRUSTED_ONLY_JS, "silent": _SILENT_JS}.get(variant, "")

"""Drive the site's chat form on one tab the way a person does: open, attach, type, Enter."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import ElementHandle, FilePayload, Page

from ..errors import InstanceFailed, NeedsAttention, SiteUiMismatch, UpstreamTimeout
from ..upstream import site_ui
from ..upstream.failures import looks_like_challenge
from ..upstream.protocol import CHALLENGE_MARKERS
from ..upstream.site_ui import SiteUi
from .page_session import PageSession

# While a chat page loads, look for the composer this often (ms). Polling on animation
# frames cost ~50 ms on a freshly loaded page (its first frames are slow); a plain interval
# answers within one.
_FIND_POLL_MS = 10
# (composer) -> focus it with its content selected, so typed text replaces it: what
# Playwright's fill() does before it inserts the text (done here without its retries).
_FOCUS_JS = """(el) => {
  el.focus();
  if ("select" in el) { el.select(); return; }
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}"""
# ([selector, markers, focus]) -> the composer (focused, its content selected, if `focus`),
# "challenge" when the page is a human challenge (its title says so), else null (keep
# waiting).
_FIND_OR_CHALLENGE_JS = f"""([selector, markers, focus]) => {{
  const found = ({site_ui.FIND_COMPOSER_JS})(selector);
  if (found) {{
    if (focus) ({_FOCUS_JS})(found);
    return found;
  }}
  return markers.some((m) => document.title.includes(m)) ? "challenge" : null;
}}"""


@dataclass(frozen=True, slots=True)
class ImageFile:
    """An image to attach through the page's file input."""

    name: str
    mime_type: str
    data: bytes


class Composer:
    """The chat form of one tab; every step runs under the page's deadline."""

    def __init__(self, session: PageSession, page: Page, ui: SiteUi) -> None:
        self._session = session
        self._page = page
        self._ui = ui

    @property
    def owner(self) -> str:
        return self._session.owner

    def _mismatch(self, what: str, key: str) -> SiteUiMismatch:
        return SiteUiMismatch(
            f"{self.owner}: {what}; if the site changed, set arena.ui.{key} in config.jsonc",
            instance_id=self.owner,
        )

    async def open_chat(self, url: str, timeout_s: float) -> None:
        """Load a new chat page (the model preselected by the URL); `find` then tells a
        challenge served with another status from a chat page."""
        response = await self._session.call(
            self._page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000),
            "open chat",
            timeout_s + 1,
        )
        if response is not None and response.status == 403:
            raise self._challenge()

    def _challenge(self) -> NeedsAttention:
        return NeedsAttention(
            f"{self.owner}: the site shows a challenge page", instance_id=self.owner
        )

    async def _challenged(self) -> bool:
        """Whether the page on screen is a human challenge (not a changed chat page)."""
        try:
            title = await self._session.call(self._page.title(), "read title", 3)
        except InstanceFailed:
            return False
        return looks_like_challenge(str(title))

    async def find(self, timeout_s: float, *, focus: bool = False) -> ElementHandle:
        """The composer, once it is visible and enabled (and focused, if `focus`): looked for
        at once (a loaded page has it), else polled until the page shows it or turns out to
        be a challenge."""
        arg = [self._ui.composer, list(CHALLENGE_MARKERS), focus]
        try:
            handle = await self._session.call(
                self._page.evaluate_handle(_FIND_OR_CHALLENGE_JS, arg), "find composer"
            )
            if handle.as_element() is None and await handle.json_value() is None:
                handle = await self._session.call(
                    self._page.wait_for_function(
                        _FIND_OR_CHALLENGE_JS,
                        arg=arg,
                        polling=_FIND_POLL_MS,
                        timeout=timeout_s * 1000,
                    ),
                    "wait for composer",
                    timeout_s + 1,
                )
        except (UpstreamTimeout, InstanceFailed) as err:
            if not self._session.alive:
                raise
            if await self._challenged():
                raise self._challenge() from None
            raise self._mismatch(
                f"no visible, enabled message box on {self._page.url} ({err.message})",
                "composer",
            ) from None
        element = handle.as_element()
        if element is None:  # the script returns an element, "challenge", or keeps waiting
            raise self._challenge()
        return element

    async def attach(self, composer: ElementHandle, images: list[ImageFile]) -> None:
        """Put images into the page's file input, as a person picking files does."""
        handle = await self._session.call(
            self._page.evaluate_handle(site_ui.FIND_FILE_INPUT_JS, [composer, self._ui.file_input]),
            "find file input",
        )
        element = handle.as_element()
        if element is None:
            raise self._mismatch("no file input for images on the chat page", "file_input")
        files = [FilePayload(name=i.name, mimeType=i.mime_type, buffer=i.data) for i in images]
        await self._session.call(element.set_input_files(files), "attach images")

    async def send(self, composer: ElementHandle, text: str, *, focused: bool = False) -> None:
        """Put the message in (real input events) and submit it with Enter or the send button.

        As Playwright's fill() does, in one go: focus the box with its content selected,
        insert the text (one trusted `input` event), or Delete for no text; then Enter.
        Without fill()'s and press()'s actionability retries, each of which waited for
        animation frames (~20-60 ms); `find` already checked the box is visible and enabled.
        """
        keyboard = self._page.keyboard
        if not focused:  # `find(focus=True)` did it in the same round trip
            await self._session.call(composer.evaluate(_FOCUS_JS), "focus message box")
        if text:
            await self._session.call(keyboard.insert_text(text), "type message")
        else:
            await self._session.call(keyboard.press("Delete"), "type message")
        if self._ui.submit == site_ui.SUBMIT_ENTER:
            await self._session.call(keyboard.press("Enter"), "press Enter")
            return
        handle = await self._session.call(
            self._page.evaluate_handle(
                site_ui.FIND_SEND_BUTTON_JS, [composer, self._ui.send_button]
            ),
            "find send button",
        )
        button = handle.as_element()
        if button is None:
            raise self._mismatch("no send button next to the message box", "send_button")
        await self._session.call(button.click(), "click send")

    async def not_sent(self, composer: ElementHandle, waited_s: float) -> SiteUiMismatch:
        """The error for a submit after which the page sent nothing, naming the key to fix."""
        try:
            left = await self._session.call(
                composer.evaluate(site_ui.COMPOSER_TEXT_JS), "read composer", 3
            )
        except InstanceFailed:
            left = ""
        how = "Enter" if self._ui.submit == site_ui.SUBMIT_ENTER else "clicking send"
        if str(left).strip():
            key = "submit" if self._ui.submit == site_ui.SUBMIT_ENTER else "send_button"
            return self._mismatch(
                f"the page did not send after {how}: the message is still in the box", key
            )
        return self._mismatch(
            f"the page took the message but made no stream request within {waited_s:g}s",
            "send_timeout_s",
        )

    async def has_gate(self) -> bool:
        """Whether the page carries a token gate (reCAPTCHA), per arena.ui.gate_marker."""
        return bool(
            await self._session.call(
                self._page.evaluate(site_ui.HAS_GATE_JS, self._ui.gate_marker), "look for a gate"
            )
        )

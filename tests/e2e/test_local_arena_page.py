"""The local arena's own chat page in real Chromium: typed, sent with Enter, streamed."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from playwright.async_api import Page

from modules.local_arena import ArenaSettings, Knobs, LocalArena, expected_reply
from modules.local_arena.page import TINY_PNG
from modules.upstream import protocol
from tests.e2e.gui_helpers import gui_browser

MODEL = "local-echo-large"  # takes images
SETTINGS = ArenaSettings(knobs=Knobs(tokens_per_s=400, ttft_ms=0))
# Stands in for the bridge's hook: wraps window.fetch before the page's scripts run.
FETCH_SPY = """(() => {
  const original = window.fetch;
  window.__streamCalls = [];
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (url.includes('/nextjs-api/stream/')) window.__streamCalls.push(url);
    return original.apply(this, arguments);
  };
})();"""


async def _send_turn(page: Page, lines: list[str], turn: int, submit: str = "Enter") -> str:
    """Type the lines (Shift+Enter between them), submit, return the streamed reply."""
    await page.locator("textarea").click()
    for n, line in enumerate(lines):
        if n:
            await page.keyboard.press("Shift+Enter")
        await page.keyboard.type(line)
    if submit == "Enter":
        await page.keyboard.press("Enter")
    else:
        await page.get_by_role("button", name=submit).click()
    await page.wait_for_selector(f'body[data-turns="{turn}"][data-streaming="idle"]')
    return await page.locator("#messages .assistant").nth(turn - 1).inner_text()


async def _recorded(arena: LocalArena) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=arena.url) as control:
        return (await control.get("/_control/requests")).json()["requests"]


async def test_two_turns_and_an_image_through_the_page() -> None:
    errors: list[str] = []
    async with LocalArena(SETTINGS) as arena, gui_browser() as browser:
        context = await browser.new_context()
        await context.add_init_script(FETCH_SPY)
        page = await context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        query = f"?{protocol.CHAT_MODEL_PARAM}={MODEL}"
        await page.goto(arena.url + protocol.CHAT_PAGE_PATH + query)
        await page.wait_for_selector('body[data-session="ready"]')
        first = await _send_turn(page, ["Hello", "arena"], 1)
        assert first == expected_reply(MODEL, "Hello\narena")
        await page.locator('input[type="file"]').set_input_files(
            {"name": "dot.png", "mimeType": "image/png", "buffer": TINY_PNG}
        )
        second = await _send_turn(page, ["again"], 2)
        assert second == expected_reply(MODEL, "again", earlier=1)
        spied = await page.evaluate("window.__streamCalls")
        recorded = await _recorded(arena)
    assert errors == []
    create, follow = (r["body"] for r in recorded)
    assert list(create) == [
        "id",
        "mode",
        "modelAId",
        "userMessageId",
        "modelAMessageId",
        "userMessage",
        "modality",
        protocol.PAGE_TOKEN_FIELD,
    ]
    assert create["mode"] == protocol.MODE_DIRECT_BATTLE and "mode" not in follow
    assert create["userMessage"] == {
        "content": "Hello\narena",
        "experimental_attachments": [],
        "metadata": {},
    }
    assert [r["path"] for r in recorded] == [
        protocol.CREATE_EVALUATION_PATH,
        protocol.POST_TO_EVALUATION_PATH.format(session_id=create["id"]),
    ]
    assert spied == [r["path"] for r in recorded]
    token_a, token_b = (b[protocol.PAGE_TOKEN_FIELD] for b in (create, follow))
    assert token_a and token_b and token_a != token_b
    (image,) = follow["userMessage"]["experimental_attachments"]
    assert (image["name"], image["contentType"]) == ("dot.png", "image/png")
    assert image["url"] == "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()


async def test_the_legacy_page_still_sends_the_2025_body() -> None:
    async with (
        LocalArena(SETTINGS, legacy_protocol=True) as arena,
        gui_browser() as browser,
    ):
        page = await (await browser.new_context()).new_page()
        await page.goto(arena.url + "/")
        await page.wait_for_selector('body[data-session="ready"]')
        reply = await _send_turn(page, ["old times"], 1, submit="Send")
        assert reply == expected_reply("local-echo-1", "old times")
        (recorded,) = await _recorded(arena)
    assert recorded["body"]["mode"] == protocol.MODE_DIRECT
    assert [m["role"] for m in recorded["body"]["messages"]] == ["user", "assistant"]

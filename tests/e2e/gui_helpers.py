"""Drive the management GUI in a real (headless) Chromium with Playwright's async API."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from modules.browser.discovery import find_browser
from modules.browser.flags import launch_args
from tests.e2e.harness import Bridge

HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _executable() -> str | None:
    if os.access(HEADLESS_SHELL, os.X_OK):
        return HEADLESS_SHELL
    return find_browser(configured=None, playwright_path=None, headless=True).path


@asynccontextmanager
async def gui_browser() -> AsyncIterator[Browser]:
    """One headless Chromium for a test; closed in all cases."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=_executable(), headless=True, args=launch_args()
        )
        try:
            yield browser
        finally:
            await browser.close()


async def open_gui(
    browser: Browser, bridge: Bridge, view: str = "", errors: list[str] | None = None
) -> Page:
    """A fresh context (own cookies) at 1280x800 showing the GUI; uncaught script errors go to `errors`."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(bridge.base_url + "/" + (f"#{view}" if view else ""))
    return page


async def traffic(bridge: Bridge, count: int, *, pause_s: float = 0) -> None:
    """`count` small completions (spread by `pause_s`) so history, charts and tables have data."""
    model = await bridge.model()
    for n in range(count):
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": f"traffic {n}"}]},
        )
        r.raise_for_status()
        await asyncio.sleep(pause_s)


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path

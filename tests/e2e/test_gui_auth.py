"""Issue: with an admin key the GUI shows nothing until login, and logout locks it again."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests.e2e.gui_helpers import gui_browser, open_gui
from tests.e2e.harness import running_bridge

ADMIN_KEY = "admin-secret-1"
T = 10_000  # ms
ROWS = "#instances-table tbody tr[data-instance-id]"


async def _status_code(page: Page) -> int:
    """GET /api/status from inside the page (its cookies, its origin)."""
    return await page.evaluate("fetch('api/status', {cache: 'no-store'}).then(r => r.status)")


async def test_admin_key_login_and_logout(tmp_path) -> None:
    async with (
        running_bridge(tmp_path, instances=1, auth={"admin_key": ADMIN_KEY}) as bridge,
        gui_browser() as browser,
    ):
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        async with httpx.AsyncClient(base_url=bridge.base_url, headers=admin) as http:
            expected = [i["id"] for i in (await http.get("/api/instances")).json()["instances"]]
        errors: list[str] = []
        page = await open_gui(browser, bridge, "instances", errors=errors)

        # Not logged in: the login form, no data, the API refuses the page.
        form = page.locator("#login-form")
        await expect(form).to_be_visible(timeout=T)
        await expect(page.locator("#app")).to_be_hidden()
        assert await page.locator(ROWS).count() == 0
        assert await _status_code(page) == 401

        # A wrong key: an error, still locked.
        await form.locator("input[name='key']").fill("wrong-key")
        await page.click("[data-action='login']")
        await expect(page.locator("#login-error")).to_have_text("Wrong admin key.", timeout=T)
        await expect(page.locator("#app")).to_be_hidden()
        assert await _status_code(page) == 401

        # The right key: the live pool appears; the session cookie is HttpOnly.
        await form.locator("input[name='key']").fill(ADMIN_KEY)
        await page.click("[data-action='login']")
        await expect(form).to_be_hidden(timeout=T)
        await expect(page.locator(f"{ROWS}[data-state='ready']")).to_have_count(
            len(expected), timeout=T
        )
        shown = await page.locator(ROWS).evaluate_all("rs => rs.map(r => r.dataset.instanceId)")
        assert shown == expected
        assert await _status_code(page) == 200
        assert "bridge_admin" not in await page.evaluate("document.cookie")
        await expect(page.locator("#conn-status")).to_have_attribute(
            "data-conn", "online", timeout=T
        )

        # A reload keeps the session.
        await page.reload()
        await expect(page.locator(f"{ROWS}[data-state='ready']")).to_have_count(
            len(expected), timeout=T
        )

        # Logout: back to the login form, and the cookie no longer opens the API.
        await page.click("[data-action='logout']")
        await expect(form).to_be_visible(timeout=T)
        await expect(page.locator("#app")).to_be_hidden()
        assert await _status_code(page) == 401
        await page.reload()
        await expect(form).to_be_visible(timeout=T)
        assert await page.locator(ROWS).count() == 0
        assert errors == []

"""Issue 11, item 6 in the GUI: "Add account" in the Add dialog (a storage-state file or a
cookie value), a refused login named in the dialog, an expired login shown in the row with
"Save session" offered; the login never appears in the page."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.async_api import expect

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot
from tests.e2e.harness import running_bridge

T = 10_000  # ms: Playwright's auto-waiting deadline for one expectation


async def test_add_account_from_a_file_and_a_cookie_in_the_gui(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge, gui_browser() as browser:
        async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
            by_file = (await arena.post("/_control/accounts")).json()
            by_cookie = (await arena.post("/_control/accounts")).json()
        host = httpx.URL(bridge.arena.url).host
        cookie = {"name": "arena-auth-prod-v1", "value": by_file["cookie"], "domain": host}
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps({"cookies": [cookie], "origins": []}))
        errors: list[str] = []
        page = await open_gui(browser, bridge, "instances", errors=errors)
        dialog = page.locator("#add-instance-dialog")

        await page.click("[data-action='add-instance']")
        await dialog.locator("input[name='cookie']").fill("not-a-login")
        await dialog.locator("[data-action='submit-add']").click()
        await expect(dialog.locator("#add-instance-error")).to_contain_text("cookie", timeout=T)
        await dialog.locator("input[name='cookie']").fill(by_cookie["cookie"])
        await dialog.locator("[data-action='submit-add']").click()
        await expect(dialog).to_be_hidden(timeout=30_000)

        await page.click("[data-action='add-instance']")
        await dialog.locator("input[name='storage_state']").set_input_files(str(state_file))
        await dialog.locator("input[name='name']").fill("gui-file")
        await screenshot(page, "add-account-dialog")
        await dialog.locator("[data-action='submit-add']").click()
        await expect(dialog).to_be_hidden(timeout=30_000)

        table = page.locator("#instances-table tbody")
        for user in (by_file, by_cookie):
            row = table.locator("tr", has_text=user["user_id"][-6:])
            await expect(row).to_have_attribute("data-state", "ready", timeout=30_000)
            await expect(row).to_contain_text("account")

        async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
            await arena.post(f"/_control/accounts/{by_file['user_id']}/expire")
        row = table.locator("tr", has_text=by_file["user_id"][-6:])
        await expect(row).to_contain_text("login expired", timeout=20_000)
        await expect(row).to_have_attribute("data-state", "needs_attention", timeout=T)
        await expect(row.locator("[data-action='save-session']")).to_be_visible(timeout=T)
        await screenshot(page, "account-login-expired")
        html = await page.content()
        assert by_file["cookie"] not in html and by_cookie["cookie"] not in html
        assert errors == []

"""Issue 14 in the GUI: the Add dialog makes an instance with a proxy and a label (the
password never comes back), and "Check" runs the health probe and updates the state."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page, expect

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot
from tests.e2e.harness import running_bridge
from tests.e2e.tagging_proxy import TaggingProxy

T = 10_000  # ms: Playwright's auto-waiting deadline for one expectation
PASSWORD = "pw-gui-4711"


def _row(page: Page, instance_id: str):
    return page.locator(f"#instances-table tbody tr[data-instance-id='{instance_id}']")


async def test_add_dialog_makes_an_instance_with_a_proxy_and_a_label(tmp_path: Path) -> None:
    async with (
        TaggingProxy("gui-proxy", "gui-user", PASSWORD) as proxy,
        running_bridge(tmp_path, instances=1) as bridge,
        gui_browser() as browser,
    ):
        errors: list[str] = []
        page = await open_gui(browser, bridge, "instances", errors=errors)
        await expect(page.locator("#instances-table tbody tr[data-state='ready']")).to_have_count(
            1, timeout=T
        )
        await page.click("[data-action='add-instance']")
        dialog = page.locator("#add-instance-dialog")
        await expect(dialog).to_be_visible(timeout=T)
        await dialog.locator("input[name='label']").fill("eu-west")
        await dialog.locator("input[name='max_concurrent']").fill("2")
        await dialog.locator("input[name='proxy_server']").fill("ftp://wrong")
        await dialog.locator("[data-action='submit-add']").click()
        # A mistake is shown in the dialog, which stays open with what was typed.
        await expect(dialog.locator("#add-instance-error")).to_contain_text("proxy", timeout=T)
        await dialog.locator("input[name='proxy_server']").fill(proxy.url)
        await dialog.locator("input[name='proxy_username']").fill("gui-user")
        await dialog.locator("input[name='proxy_password']").fill(PASSWORD)
        await screenshot(page, "add-instance-dialog")
        await dialog.locator("[data-action='submit-add']").click()
        await expect(dialog).to_be_hidden(timeout=T)
        await expect(page.locator("#toast", has_text="eu-west")).to_be_visible(timeout=T)

        added = next(i for i in await bridge.instances() if i["label"] == "eu-west")
        row = _row(page, added["id"])
        await expect(row).to_have_attribute("data-state", "ready", timeout=30_000)
        await expect(row).to_contain_text("eu-west")
        await expect(row).to_contain_text(f"proxy 127.0.0.1:{proxy.port} (login)")
        await expect(row).to_contain_text("max 2")
        assert proxy.forwarded > 0 and proxy.refused > 0  # it logged in after the challenge
        await screenshot(page, "instances-settings")
        html = await page.content()
        assert PASSWORD not in html and "gui-user" not in html
        assert PASSWORD not in (await bridge.http.get("/api/instances")).text
        assert errors == []


async def test_check_runs_the_probe_and_updates_the_state(tmp_path: Path) -> None:
    async with (
        running_bridge(tmp_path, instances=2, health={"interval_s": 3600}) as bridge,
        gui_browser() as browser,
    ):
        errors: list[str] = []
        page = await open_gui(browser, bridge, "instances", errors=errors)
        first = (await bridge.instances())[0]
        row = _row(page, first["id"])
        await expect(row).to_have_attribute("data-state", "ready", timeout=T)
        check = row.locator("[data-action='check']")

        await check.click()
        await expect(
            page.locator("#toast .toast[data-kind='success']", has_text="healthy")
        ).to_be_visible(timeout=T)
        await expect(check).to_have_attribute("data-check", "ok", timeout=T)

        # The site now shows this session a challenge: no periodic probe runs (interval 1 h),
        # so only Check can find it, and the row turns to "needs attention" at once.
        await bridge.knobs(challenge={"sessions": [first["identity"]["user_id"]]})
        await check.click()
        await expect(row).to_have_attribute("data-state", "needs_attention", timeout=T)
        await expect(check).to_have_attribute("data-check", "failed", timeout=T)
        await expect(
            page.locator("#toast .toast[data-kind='error']", has_text="challenge")
        ).to_be_visible(timeout=T)
        await screenshot(page, "instances-check")

        # Cleared: Check again brings it back.
        await bridge.knobs(reset=True)
        await row.locator("[data-action='check']").click()
        await expect(row).to_have_attribute("data-state", "ready", timeout=T)
        assert errors == []

"""Issue 11 in the GUI: the pause switch and its banner (item 7)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot
from tests.e2e.harness import running_bridge, wait_for


async def test_the_pause_switch_pauses_shows_a_banner_and_resumes(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge, gui_browser() as browser:
        errors: list[str] = []
        page = await open_gui(browser, bridge, "overview", errors)
        box = page.locator(".pause-box")
        await box.locator("select").select_option("3600")
        await box.locator('[data-action="pause"]').click()
        banner = page.locator("#pause-banner")
        await banner.wait_for(state="visible")
        assert "503" in (await banner.inner_text())
        assert "left" in (await box.locator(".pause-left").inner_text())
        await screenshot(page, "paused")
        left = bridge.coordinator.pause.view()["remaining_s"]
        assert 3590 < left <= 3600
        await box.locator('[data-action="resume"]').click()
        await banner.wait_for(state="hidden")
        await wait_for(lambda: not bridge.coordinator.pause.view()["paused"], 5, "resumed")
        assert errors == []

"""Issue: the management GUI, driven in real Chromium against the real bridge (local arena)."""

from __future__ import annotations

import re

import json5
from playwright.async_api import Page, Route, expect

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot, traffic
from tests.e2e.harness import Bridge, running_bridge, wait_for

ATTENTION_RULE = {
    "name": "attention",
    "kind": "needs_attention",
    "threshold": 0,
    "window_s": 60,
    "min_samples": 0,
    "cooldown_s": 0,
}
T = 10_000  # ms: Playwright's auto-waiting deadline for one expectation
LIVE_POINTS = """n => { const p = document.querySelector('#chart-throughput svg path[fill=none]');
                        return !!p && p.getAttribute('d').split('L').length >= n; }"""


def _rows(page: Page, state: str | None = None):
    sel = "#instances-table tbody tr[data-instance-id]"
    return page.locator(f"{sel}[data-state='{state}']" if state else sel)


async def _nav(page: Page, view: str) -> None:
    await page.click(f".sidenav a[data-view='{view}']")
    await expect(page.locator(f"#view-{view}")).to_be_visible(timeout=T)


async def _pool_total(bridge: Bridge) -> int:
    return (await bridge.status())["pool"]["total"]


async def _is_total(bridge: Bridge, n: int) -> bool:
    return await _pool_total(bridge) == n


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("//")]


async def test_pool_actions_settings_and_screenshots(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge, gui_browser() as browser:
        errors: list[str] = []
        page = await open_gui(browser, bridge, errors=errors)
        await expect(page.locator("#conn-status[data-conn='online']")).to_be_visible(timeout=T)

        # Traffic while the page listens, so the live charts and cards move.
        await traffic(bridge, 24, pause_s=0.2)
        await page.wait_for_function(LIVE_POINTS, arg=10, timeout=T)  # ~10 s of live samples
        await expect(page.locator("[data-stat='pool-total']")).to_have_text("2", timeout=T)
        await expect(page.locator("[data-stat='requests-per-s']")).not_to_have_text(
            "0.00/s", timeout=T
        )
        shot = await screenshot(page, "overview")
        assert shot.read_bytes()[16:24] == (1280).to_bytes(4, "big") + (800).to_bytes(4, "big")

        # The instances table shows the live pool.
        await _nav(page, "instances")
        ids = [i["id"] for i in await bridge.instances()]
        await expect(_rows(page, "ready")).to_have_count(2, timeout=T)
        assert await _rows(page).evaluate_all("rs => rs.map(r => r.dataset.instanceId)") == ids
        served = _rows(page).locator("td.num").first
        await expect(served).not_to_have_text("0", timeout=T)
        await screenshot(page, "instances")
        await _nav(page, "requests")
        await expect(page.locator("#requests-table tbody tr").first).to_be_visible(timeout=T)
        await screenshot(page, "requests")
        await _nav(page, "instances")

        # Add an instance from the GUI: the pool grows.
        await page.click("[data-action='add-instance']")
        await page.click("#add-instance-dialog [data-action='submit-add']")  # all defaults
        await expect(page.locator("#toast .toast[data-kind='success']").first).to_be_visible(
            timeout=T
        )
        await wait_for(lambda: _is_total(bridge, 3), 30, "pool of 3 after add")
        await expect(_rows(page, "ready")).to_have_count(3, timeout=30_000)
        new_id = next(i["id"] for i in await bridge.instances() if i["id"] not in ids)

        # Remove it again: a confirmation first, then the pool shrinks.
        row = page.locator(f"#instances-table tbody tr[data-instance-id='{new_id}']")
        await row.locator("[data-action='remove']").click()
        dialog = page.locator("#confirm-dialog")
        await expect(dialog).to_be_visible(timeout=T)
        await dialog.locator("[data-action='confirm']").click()
        await expect(dialog).to_be_hidden(timeout=T)
        await wait_for(lambda: _is_total(bridge, 2), 30, "pool of 2 after remove")
        await expect(row.and_(page.locator("[data-state='ready']"))).to_have_count(0, timeout=T)
        assert await _pool_total(bridge) == 2

        # Cancel keeps the instance.
        await _rows(page).first.locator("[data-action='remove']").click()
        await dialog.locator("[data-action='cancel']").click()
        await expect(dialog).to_be_hidden(timeout=T)
        assert await _pool_total(bridge) == 2

        # Settings: a new strategy applies to the next request and lands in config.jsonc.
        before = bridge.config_path.read_text(encoding="utf-8")
        await _nav(page, "settings")
        select = page.locator("#settings-form select[name='strategy']")
        await expect(select).to_have_value("least_busy", timeout=T)
        await select.select_option("round_robin")
        await page.click("[data-action='save-settings']")
        await expect(
            page.locator("#toast .toast[data-kind='success']", has_text="Settings saved")
        ).to_be_visible(timeout=T)
        await screenshot(page, "settings")
        model = await bridge.model()
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "after save"}]},
        )
        assert r.status_code == 200 and r.headers["x-bridge-strategy"] == "round_robin"
        after = bridge.config_path.read_text(encoding="utf-8")
        assert _comments(after) == _comments(before) and _comments(before)
        assert json5.loads(after)["balancer"]["strategy"] == "round_robin"
        await _nav(page, "overview")
        await expect(page.locator("[data-stat='strategy']")).to_have_text("round robin", timeout=T)
        assert errors == []


async def test_needs_attention_is_highlighted_with_an_alert(tmp_path) -> None:
    async with (
        running_bridge(
            tmp_path,
            instances=2,
            health={"interval_s": 0.3, "probe_timeout_s": 2},
            alerts={"evaluate_interval_s": 0.5, "rules": [ATTENTION_RULE]},
        ) as bridge,
        gui_browser() as browser,
    ):
        errors: list[str] = []
        page = await open_gui(browser, bridge, "instances", errors=errors)
        await expect(_rows(page, "ready")).to_have_count(2, timeout=T)
        first = (await bridge.instances())[0]
        await bridge.knobs(challenge={"sessions": [first["identity"]["user_id"]]})

        row = page.locator(f"#instances-table tbody tr[data-instance-id='{first['id']}']")
        await expect(row).to_have_attribute("data-state", "needs_attention", timeout=T)
        await expect(row).to_have_class(re.compile(r"\battention\b"), timeout=T)
        banner = page.locator("#attention-banner")
        await expect(banner).to_be_visible(timeout=T)
        await expect(banner).to_contain_text(first["id"])
        await expect(banner.locator("[data-action='open']")).to_be_visible()
        await expect(page.locator("[data-badge='alerts']")).to_be_visible(timeout=T)
        await _nav(page, "alerts")
        card = page.locator("#alerts-active .alert-card[data-alert-rule='attention']")
        await expect(card).to_be_visible(timeout=T)
        await screenshot(page, "alerts-attention")
        await _nav(page, "instances")
        await screenshot(page, "instances-attention")

        # The other instance kept serving; once the challenge is gone the banner goes too.
        assert any(i["state"] == "ready" for i in await bridge.instances())
        await bridge.knobs(reset=True)
        await expect(row).to_have_attribute("data-state", "ready", timeout=20_000)
        await expect(banner).to_be_hidden(timeout=T)
        assert errors == []


async def test_offline_banner_when_the_event_feed_drops(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge, gui_browser() as browser:
        page = await open_gui(browser, bridge)
        conn = page.locator("#conn-status")
        banner = page.locator("#offline-banner")
        await expect(conn).to_have_attribute("data-conn", "online", timeout=T)
        await expect(banner).to_be_hidden()
        # The network goes away: offline at once (no waiting for the silence watchdog).
        await page.context.set_offline(True)
        await expect(banner).to_be_visible(timeout=5_000)
        await expect(conn).to_have_attribute("data-conn", "offline")
        # Back online but the feed still fails: stays offline and keeps retrying.
        aborted: list[str] = []

        async def abort(route: Route) -> None:
            aborted.append(route.request.url)
            await route.abort()

        await page.route("**/api/events", abort)
        await page.context.set_offline(False)
        await wait_for(lambda: aborted, 10, "a reconnect attempt")
        await expect(banner).to_be_visible()
        await expect(conn).to_have_attribute("data-conn", "offline")
        uptime = page.locator("[data-stat='uptime']")
        stale = await uptime.text_content()
        # The feed answers again: live, banner gone, data flowing.
        await page.unroute("**/api/events")
        await expect(conn).to_have_attribute("data-conn", "online", timeout=20_000)
        await expect(banner).to_be_hidden(timeout=T)
        await expect(uptime).not_to_have_text(stale or "", timeout=T)

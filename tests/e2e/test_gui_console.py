"""Issue 14 in the GUI, in real Chromium against the real bridge: the Logs view filters and
follows, downloads hold the rows the API reports (logs, requests, stats), a request's detail
drawer."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

from playwright.async_api import Page, expect

from tests.e2e.gui_helpers import gui_browser, open_gui, screenshot, traffic
from tests.e2e.harness import Bridge, running_bridge, wait_for

T = 10_000  # ms: Playwright's auto-waiting deadline for one expectation
ROWS = "#logs-table tbody tr"
_STATS_MODEL = "#per-model [data-action='download-stats-model']"
_STATS_SERIES = "#per-model [data-action='download-stats-series']"


async def _download(page: Page, selector: str) -> str:
    async with page.expect_download() as info:
        await page.click(selector)
    download = await info.value
    path = await download.path()
    return await asyncio.to_thread(Path(path).read_text, encoding="utf-8")


async def _column(page: Page, index: int) -> list[str]:
    return await page.locator(ROWS).evaluate_all(
        f"rs => rs.map(r => r.children[{index}].textContent)"
    )


async def test_logs_view_filters_follows_pauses_and_downloads(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge, gui_browser() as browser:
        errors: list[str] = []
        page = await open_gui(browser, bridge, "logs", errors=errors)
        await expect(page.locator("#conn-status[data-conn='online']")).to_be_visible(timeout=T)
        # The start-up lines are there: the first instance came up.
        await expect(page.locator(ROWS, has_text="i-1 starting -> ready")).to_have_count(
            1, timeout=T
        )
        assert set(await _column(page, 1)) <= {"INFO", "WARNING", "ERROR", "CRITICAL"}

        # Follow: a line logged now appears at the bottom, and the view stays at the end.
        await bridge.http.post("/api/instances", json={"label": "follow-me"})
        last = page.locator(f"{ROWS}:last-child")
        await expect(last).to_contain_text("i-2", timeout=T)
        at_end = "b => b.scrollTop + b.clientHeight >= b.scrollHeight - 2"
        await page.wait_for_function(f"() => ({at_end})(document.getElementById('logs-scroll'))")

        # Filters: component and instance; only matching lines stay, live ones too.
        await page.select_option("select[name='component']", "pool")
        await page.fill("input[name='instance']", "i-2")
        await expect(page.locator(ROWS).first).to_contain_text("i-2", timeout=T)
        await page.wait_for_function(
            "() => [...document.querySelectorAll('#logs-table tbody tr')]"
            ".every(r => r.children[2].textContent === 'pool'"
            " && r.children[3].textContent === 'i-2')"
        )
        await bridge.coordinator.wait_ready(2, 60)
        await expect(page.locator(ROWS, has_text="i-2 starting -> ready")).to_have_count(
            1, timeout=T
        )
        await screenshot(page, "logs")

        # Pause: new lines wait (counted), resume shows them.
        await page.click("[data-action='pause-logs']")
        await bridge.http.post("/api/instances")
        await expect(page.locator("#logs-state")).to_contain_text("new", timeout=T)
        await page.fill("input[name='instance']", "")
        await page.click("[data-action='pause-logs']")  # resume
        await expect(page.locator(ROWS, has_text="i-3 new -> starting")).to_have_count(1, timeout=T)

        # Text and level: the text filter narrows, WARNING+ hides the INFO lines.
        await page.fill("input[name='text']", "follow")
        await expect(page.locator(ROWS)).to_have_count(0, timeout=T)
        await page.fill("input[name='text']", "")
        await page.select_option("select[name='level']", "WARNING")
        await expect(page.locator(ROWS, has_text="starting -> ready")).to_have_count(0, timeout=T)
        await page.select_option("select[name='level']", "INFO")
        await page.select_option("select[name='component']", "")

        # The download is the API's answer for the same filters: valid JSON Lines.
        text = await _download(page, "[data-action='download-logs']")
        lines = [json.loads(line) for line in text.splitlines()]
        r = await bridge.http.get("/api/logs", params={"level": "INFO", "limit": 5000})
        api = r.json()["logs"]
        assert lines and [x["seq"] for x in lines] == [x["seq"] for x in api[: len(lines)]]
        assert {"ts", "level", "component", "instance_id", "request_id", "message"} <= set(lines[0])
        assert errors == []


async def _one_failover_and_one_failure(bridge: Bridge) -> None:
    model = await bridge.model()
    body = {"model": model, "messages": [{"role": "user", "content": "fail over"}]}
    await bridge.knobs(fail_next={"status": 500, "count": 1})
    r = await bridge.http.post("/v1/chat/completions", json=body)
    assert r.status_code == 200 and r.headers["x-bridge-failover"]
    await bridge.knobs(fail_next={"status": 500, "count": 2})
    r = await bridge.http.post("/v1/chat/completions", json=body)
    assert r.status_code == 502


async def _history(bridge: Bridge, count: int) -> list[dict[str, object]] | None:
    rows = (await bridge.http.get("/api/history", params={"limit": 100})).json()["requests"]
    return rows if len(rows) == count else None


async def test_request_downloads_and_detail_drawer(tmp_path: Path) -> None:
    async with (
        running_bridge(tmp_path, instances=2, balancer={"max_retries": 1}) as bridge,
        gui_browser() as browser,
    ):
        await traffic(bridge, 5)
        await _one_failover_and_one_failure(bridge)
        api = await wait_for(lambda: _history(bridge, 7), 10, "7 requests in the history")
        errors: list[str] = []
        page = await open_gui(browser, bridge, "requests", errors=errors)
        await expect(page.locator("#requests-table tbody tr")).to_have_count(7, timeout=T)

        # Both downloads hold exactly the rows the API reports (oldest first).
        table = list(csv.reader(io.StringIO(await _download(page, "[data-action='download-csv']"))))
        assert [row[1] for row in table[1:]] == [r["request_id"] for r in reversed(api)]
        assert [int(row[5]) for row in table[1:]] == [r["status"] for r in reversed(api)]
        jsonl = await _download(page, "[data-action='download-jsonl']")
        assert [json.loads(x) for x in jsonl.splitlines()] == list(reversed(api))

        # The failed request's drawer: its failover and the error the client read.
        failed = next(r for r in api if r["status"] == 502)
        await page.click(f"#requests-table tbody tr[data-request-id='{failed['request_id']}']")
        drawer = page.locator("#request-drawer")
        await expect(drawer).to_be_visible(timeout=T)
        await expect(drawer.locator("#request-drawer-title")).to_have_text(failed["request_id"])
        await expect(drawer.locator("#request-failovers li")).to_have_count(1)
        await expect(drawer.locator("#request-failovers li")).to_contain_text("5xx")
        await expect(drawer.locator("#request-error")).to_have_text(failed["error"])
        await expect(drawer.locator("dl")).to_contain_text("Attempts2")
        await screenshot(page, "request-detail")
        await page.keyboard.press("Escape")
        await expect(drawer).to_be_hidden(timeout=T)

        # A filtered download follows the filter.
        await page.select_option("select[name='status']", "error")
        await expect(page.locator("#requests-table tbody tr")).to_have_count(1, timeout=T)
        only = list(csv.reader(io.StringIO(await _download(page, "[data-action='download-csv']"))))
        assert [row[1] for row in only[1:]] == [failed["request_id"]]
        await _stats_downloads_hold_the_api_figures(page, bridge)
        assert errors == []


async def _stats_downloads_hold_the_api_figures(page: Page, bridge: Bridge) -> None:
    """The by-model card's CSV downloads: the window's figures as /api/stats reports them."""
    await page.goto(bridge.base_url + "/#overview")
    await page.click("[data-range='6h']")
    await expect(page.locator("#per-model tbody tr")).to_have_count(1, timeout=T)
    stats = (await bridge.http.get("/api/stats", params={"window": "6h"})).json()
    by_model = list(csv.DictReader(io.StringIO(await _download(page, _STATS_MODEL))))
    assert [row["model"] for row in by_model] == list(stats["per_model"])
    for row in by_model:
        api = stats["per_model"][row["model"]]
        assert (int(row["total"]), int(row["errors"])) == (api["total"], api["errors"]) == (7, 1)
        assert float(row["ttft_p95"]) == api["ttft_p95"]
    series = list(csv.DictReader(io.StringIO(await _download(page, _STATS_SERIES))))
    assert sum(int(point["requests"]) for point in series) == 7
    assert sum(int(point["errors"]) for point in series) == 1
    assert len(series) == len(stats["series"])

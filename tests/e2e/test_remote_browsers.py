"""Instances on remote browsers: a Playwright browser server and a plain CDP endpoint."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from modules.browser.discovery import find_browser
from modules.browser.flags import launch_args
from modules.local_arena import expected_reply
from tests.e2e.harness import running_bridge


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_tree(proc: subprocess.Popen) -> None:
    try:
        parent = psutil.Process(proc.pid)
        children = parent.children(recursive=True)
    except psutil.Error:
        children = []
    for p in [*children]:
        try:
            p.kill()
        except psutil.Error:
            pass
    proc.kill()
    proc.wait(10)


@contextmanager
def cdp_browser(tmp_path: Path) -> Iterator[str]:
    """A Chromium started by hand with a DevTools port, like a browser grid node."""
    binary = find_browser(configured=None, playwright_path=None, headless=True).path
    assert binary is not None
    proc = subprocess.Popen(
        [
            binary,
            "--headless",
            "--remote-debugging-port=0",
            f"--user-data-dir={tmp_path}/cdp",
            *launch_args(),
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        url = None
        for _ in range(200):
            line = proc.stderr.readline()
            match = re.search(r"DevTools listening on ws://([\d.:]+)/", line)
            if match:
                url = f"http://{match.group(1)}"
                break
        assert url, "the browser did not print its DevTools address"
        yield url
    finally:
        _kill_tree(proc)


@contextmanager
def playwright_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "playwright",
            "run-server",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--unsafe",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening() -> bool:
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        deadline = time.monotonic() + 20
        while not listening() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listening(), "playwright run-server did not start"
        yield f"ws://127.0.0.1:{port}/"
    finally:
        _kill_tree(proc)


async def _serve_one_request(bridge, label_part: str) -> None:
    instances = await bridge.instances()
    assert instances and all(label_part in i["browser"] for i in instances), instances
    model = await bridge.model()
    reply = await bridge.client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "from afar"}]
    )
    assert reply.choices[0].message.content == expected_reply(model, "from afar")


async def test_instances_on_a_cdp_endpoint(tmp_path: Path) -> None:
    with cdp_browser(tmp_path) as url:
        endpoint = {"url": url, "kind": "cdp", "max_instances": 2}
        async with running_bridge(tmp_path, instances=2, browser={"endpoints": [endpoint]}) as b:
            await _serve_one_request(b, url.split("//")[1])
            assert b.coordinator.driver.browser_pids() == []  # nothing launched locally
            status = await b.status()
            assert any(h["remote"] for h in status["browsers"])


async def test_instances_on_a_playwright_server_spill_over_to_local(tmp_path: Path) -> None:
    binary = find_browser(configured=None, playwright_path=None, headless=True).path
    with playwright_server() as url:
        endpoint = {"url": url, "kind": "playwright", "max_instances": 1, "executable_path": binary}
        async with running_bridge(tmp_path, instances=2, browser={"endpoints": [endpoint]}) as b:
            labels = sorted(i["browser"] for i in await b.instances())
            assert any(url.rstrip("/").split("//")[1] in lab for lab in labels), labels
            assert any(lab.startswith("local") for lab in labels), labels
            model = await b.model()
            for n in range(2):
                reply = await b.client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"spread {n}"}]
                )
                assert reply.choices[0].message.content == expected_reply(model, f"spread {n}")


async def test_an_unreachable_endpoint_falls_back_to_local_and_hides_its_token(
    tmp_path: Path, caplog
) -> None:
    dead = f"http://user:pw@127.0.0.1:{_free_port()}/?token=SECRET123"
    endpoint = {"url": dead, "kind": "cdp", "max_instances": 5}
    with caplog.at_level("DEBUG"):
        async with running_bridge(
            tmp_path,
            instances=2,
            browser={"endpoints": [endpoint]},
            arena={"page_load_timeout_s": 10},
        ) as b:
            labels = [i["browser"] for i in await b.instances()]
            assert all(lab.startswith("local") for lab in labels), labels
            text = json.dumps([await b.instances(), await b.status()])
    assert "SECRET123" not in caplog.text and "SECRET123" not in text
    assert "pw@" not in caplog.text
    assert "cannot reach remote browser http://127.0.0.1" in caplog.text

"""Owns Playwright and the browsers; hands out fresh contexts spread over them."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time
from collections.abc import Callable

import psutil
from playwright.async_api import Playwright, async_playwright

from ..config import BrowserConfig, BrowserEndpoint
from ..errors import InstanceFailed
from ..util.redact import redact_url
from .deadline import with_deadline
from .discovery import BrowserBinary, find_browser
from .flags import launch_args, use_sandbox
from .host import BrowserHost

log = logging.getLogger(__name__)
_ENDPOINT_RETRY_S = 30.0


def _chromium_children() -> set[int]:
    """Top-level browser processes below this process (Playwright's driver spawns them)."""
    found = set()
    for proc in psutil.Process().children(recursive=True):
        try:
            name = proc.name().lower()
            parent = proc.parent()
            parent_name = parent.name().lower() if parent else ""
        except psutil.Error:
            continue
        if ("chrom" in name or "headless" in name) and "chrom" not in parent_name:
            found.add(proc.pid)
    return found


class BrowserDriver:
    """Async context manager: Playwright, local browsers launched on demand, remote ones."""

    def __init__(self, config: BrowserConfig, *, headless: bool | None = None) -> None:
        self._config = config
        self.headless = config.headless if headless is None else headless
        self._pw: Playwright | None = None
        self.binary: BrowserBinary | None = None
        self.hosts: list[BrowserHost] = []
        self._lock = asyncio.Lock()
        self._local_seq = 0
        self._host_lost_callbacks: list[Callable[[BrowserHost], None]] = []
        self._down: dict[str, float] = {}  # endpoint label -> when to try it again

    async def __aenter__(self) -> BrowserDriver:
        self._pw = await async_playwright().start()
        try:
            own = self._pw.chromium.executable_path
        except Exception:  # no bundled browser registry entry
            own = None
        try:
            self.binary = find_browser(
                configured=self._config.executable_path,
                playwright_path=own,
                headless=self.headless,
            )
        except BaseException:
            await self._pw.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def on_host_lost(self, callback: Callable[[BrowserHost], None]) -> None:
        self._host_lost_callbacks.append(callback)

    def browser_pids(self) -> list[int]:
        return [h.pid for h in self.hosts if h.pid and not h.lost]

    async def host_with_room(self) -> BrowserHost:
        """A browser with a context slot reserved for the caller; launches or connects."""
        host = await self._find_host()
        host.reserve()
        return host

    async def _find_host(self) -> BrowserHost:
        async with self._lock:
            self.hosts = [h for h in self.hosts if not h.lost]
            for host in self.hosts:
                if host.has_room:
                    return host
            now = time.monotonic()
            for endpoint in self._config.endpoints:
                label = redact_url(endpoint.url)
                if any(h.label == label for h in self.hosts) or self._down.get(label, 0) > now:
                    continue
                try:
                    return self._track(await self._connect(endpoint))
                except InstanceFailed as err:
                    # One unreachable browser must not stop the pool: skip it for a while.
                    self._down[label] = now + _ENDPOINT_RETRY_S
                    log.warning("%s; trying again in %gs", err.message, _ENDPOINT_RETRY_S)
            return self._track(await self._launch_local())

    def _track(self, host: BrowserHost) -> BrowserHost:
        for callback in self._host_lost_callbacks:
            host.on_lost(callback)
        self.hosts.append(host)
        return host

    async def visible_host(self) -> BrowserHost:
        """A headed browser for instances a person must look at (launched on first use)."""
        async with self._lock:
            for host in self.hosts:
                if host.label.startswith("visible") and host.has_room:
                    host.reserve()
                    return host
            assert self._pw is not None
            own = self._pw.chromium.executable_path
            binary = find_browser(configured=None, playwright_path=own, headless=False)
            host = self._track(await self._launch_local(binary, headless=False))
            host.reserve()
            return host

    async def _launch_local(
        self, binary: BrowserBinary | None = None, headless: bool | None = None
    ) -> BrowserHost:
        assert self._pw is not None and self.binary is not None
        binary = binary or self.binary
        headless = self.headless if headless is None else headless
        before = _chromium_children()
        sandbox = use_sandbox(self._config.sandbox)
        browser = await with_deadline(
            self._pw.chromium.launch(
                executable_path=binary.path,
                headless=headless,
                # Playwright adds --no-sandbox unless told that the sandbox is wanted.
                chromium_sandbox=sandbox,
                args=launch_args(self._config.extra_args, sandbox=sandbox),
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            ),
            max(self._config.call_timeout_s, 60),
            "launch",
            "browser",
        )
        new = sorted(_chromium_children() - before)
        self._local_seq += 1
        pid = new[0] if new else None
        log.info("launched local browser #%d (pid %s) %s", self._local_seq, pid, binary.describe())
        return BrowserHost(
            f"{'local' if headless else 'visible'}-{self._local_seq}",
            browser,
            max_contexts=self._config.contexts_per_browser,
            pid=pid,
            remote=False,
            call_timeout_s=self._config.call_timeout_s,
        )

    async def _connect(self, endpoint: BrowserEndpoint) -> BrowserHost:
        assert self._pw is not None
        label = redact_url(endpoint.url)
        timeout = self._config.call_timeout_s
        if endpoint.kind == "cdp":
            coro = self._pw.chromium.connect_over_cdp(endpoint.url, timeout=timeout * 1000)
        else:
            options = {"headless": True, "args": launch_args(self._config.extra_args)}
            if endpoint.executable_path:
                options["executablePath"] = endpoint.executable_path
            coro = self._pw.chromium.connect(
                endpoint.url,
                timeout=timeout * 1000,
                headers={"x-playwright-launch-options": json.dumps(options)},
            )
        try:
            browser = await with_deadline(coro, timeout, "connect", label)
        except InstanceFailed as err:
            raise InstanceFailed(f"cannot reach remote browser {label}: {err.message}") from None
        log.info("connected to remote browser %s (%s)", label, endpoint.kind)
        return BrowserHost(
            label,
            browser,
            max_contexts=endpoint.max_instances,
            pid=None,
            remote=True,
            call_timeout_s=timeout,
        )

    async def close(self) -> None:
        """Close every browser; kill local ones that do not exit (no process left behind)."""
        pids = self.browser_pids()
        await asyncio.gather(*(h.close() for h in self.hosts), return_exceptions=True)
        self.hosts = []
        if self._pw is not None:
            pw, self._pw = self._pw, None
            try:
                await asyncio.wait_for(pw.stop(), 15)
            except Exception as err:
                log.debug("stopping playwright: %s", err)
        for pid in pids:
            _kill_tree(pid)


def _kill_tree(pid: int) -> None:
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except OSError:
            pass


async def detect_browser(config: BrowserConfig, *, headless: bool) -> BrowserBinary:
    """Which browser would run (raises BrowserNotFound with install instructions)."""
    async with BrowserDriver(config, headless=headless) as driver:
        assert driver.binary is not None
        return driver.binary

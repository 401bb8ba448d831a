"""Bring an instance's browser side up (context, page, session) and take it down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..browser.composer import Composer
from ..browser.driver import BrowserDriver
from ..browser.page_session import PageSession
from ..browser.relay_stream import Deadlines
from ..browser.transport import Transport
from ..browser.transport_compose import ComposeTransport
from ..browser.transport_fetch import FetchTransport
from ..config import BridgeConfig, ProxyConfig
from ..errors import LoginExpired, NeedsAttention
from ..upstream.failures import looks_like_challenge
from ..upstream.identity import decode_identity, me_user_id
from ..upstream.protocol import AUTH_COOKIE, CHALLENGE_MARKERS, ME_PATH
from .instance import Instance

log = logging.getLogger(__name__)


class InstanceLauncher:
    """Opens a context on a browser with room, loads the arena and reads the session."""

    def __init__(
        self,
        config: BridgeConfig,
        driver: BrowserDriver,
        on_page_html: Callable[[str], None] | None = None,
    ) -> None:
        self._config = config
        self._driver = driver
        self._on_page_html = on_page_html

    async def open(self, instance: Instance, storage_state: dict[str, Any] | None = None) -> None:
        """Attach a loaded page with a session to `instance` (raises on failure); with a
        saved `storage_state` the page reopens that identity, and its login is checked."""
        spec = instance.spec
        host = await (self._driver.visible_host() if spec.headed else self._driver.host_with_room())
        page = await PageSession.open(
            instance.id,
            host,
            self._config.browser.call_timeout_s,
            storage_state=storage_state,  # type: ignore[arg-type]  # a stored StorageState
            proxy=spec.proxy,
        )
        try:
            await self._load(page)
        except BaseException:
            await page.close()
            raise
        label = host.label + (f" (pid {host.pid})" if host.pid else "")
        await self._attach(instance, page, label)
        instance.set_identity(decode_identity(await page.cookies()))
        instance.new_session()
        if storage_state is not None:
            await self._check_login(instance, page)

    async def _check_login(self, instance: Instance, page: PageSession) -> None:
        """A restored login must still work: GET /api/me (no chat quota) answers 401 if not."""
        result = await page.probe(CHALLENGE_MARKERS, self._config.health.probe_timeout_s, ME_PATH)
        if result["status"] == 401:
            raise LoginExpired(
                f"{instance.id}: the site no longer accepts this login (GET {ME_PATH}: 401)",
                instance_id=instance.id,
            )

    async def check_login(
        self, storage_state: dict[str, Any], proxy: ProxyConfig | None
    ) -> tuple[int, str | None]:
        """GET /api/me with a login in a throwaway context: (status, the user id it names)."""
        timeout = self._config.arena.page_load_timeout_s
        host = await self._driver.host_with_room()
        page = await PageSession.open(
            "login-check",
            host,
            self._config.browser.call_timeout_s,
            storage_state=storage_state,  # type: ignore[arg-type]  # checked by storage_state.py
            proxy=proxy,
        )
        try:
            status, body = await page.api_get(urljoin(self._config.arena.url, ME_PATH), timeout)
        finally:
            await page.close()
        return status, me_user_id(body) if status == 200 else None

    async def _attach(self, instance: Instance, page: PageSession, label: str) -> None:
        origin = origin_of(page.page.url)
        transports = self._transports(instance, page, origin)
        chosen = self._config.arena.transport
        if chosen == "auto":
            gated = await Composer(page, page.page, self._config.arena.ui.adapter()).has_gate()
            chosen = "compose" if gated else "fetch"
            log.info("%s: %s (%s)", instance.id, chosen, "token gate" if gated else "no token gate")
        others = [t for name, t in transports.items() if name != chosen]
        instance.attach(page, transports[chosen], label, origin=origin, alternatives=others)

    def _transports(
        self, instance: Instance, page: PageSession, origin: str
    ) -> dict[str, Transport]:
        cfg = self._config
        deadlines = Deadlines(cfg.timeouts.first_byte_s, cfg.timeouts.idle_s, cfg.timeouts.total_s)
        out: dict[str, Transport] = {}
        if cfg.arena.transport in ("auto", "fetch"):
            out["fetch"] = FetchTransport(page, deadlines)
        if cfg.arena.transport in ("auto", "compose"):
            out["compose"] = ComposeTransport(
                page,
                cfg.arena.ui.adapter(),
                origin,
                deadlines,
                page_load_timeout_s=cfg.arena.page_load_timeout_s,
                max_tabs=lambda: instance.max_concurrent,
                spare_tab=cfg.arena.spare_tab,
            )
        return out

    async def _load(self, page: PageSession) -> None:
        status = await page.goto(self._config.arena.url, self._config.arena.page_load_timeout_s)
        html = await page.content()
        if status == 403 or looks_like_challenge(html):
            raise NeedsAttention(
                f"{page.owner}: the site shows a challenge page", instance_id=page.owner
            )
        await page.wait_for_cookie(AUTH_COOKIE, self._config.arena.page_load_timeout_s)
        if self._on_page_html is not None:
            self._on_page_html(html)

    async def reload(self, instance: Instance) -> bool:
        """Reload the page of a parked instance; True when the page is normal again."""
        if instance.page is None or not instance.page.alive:
            return False
        try:
            await self._load(instance.page)
        except Exception as err:
            log.debug("%s reload: %s", instance.id, err)
            return False
        instance.set_identity(decode_identity(await instance.page.cookies()))
        return True

    async def move_to_visible(self, instance: Instance) -> None:
        """Re-open this instance's session (cookies, storage) in a headed window."""
        old = instance.page
        state = await old.storage_state() if old is not None and old.alive else None
        host = await self._driver.visible_host()
        page = await PageSession.open(
            instance.id,
            host,
            self._config.browser.call_timeout_s,
            storage_state=state,
            proxy=instance.spec.proxy,  # same identity, same address
        )
        try:
            await page.goto(self._config.arena.url, self._config.arena.page_load_timeout_s)
        except BaseException:
            await page.close()
            raise
        await self._attach(instance, page, f"{host.label} (visible)")
        if old is not None:
            await old.close()

    async def close(self, instance: Instance) -> None:
        page = instance.detach()
        if page is not None:
            await page.close()


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL (the page's own, after any redirects)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

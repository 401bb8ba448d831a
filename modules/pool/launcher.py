"""Bring an instance's browser side up (context, page, session) and take it down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..browser.driver import BrowserDriver
from ..browser.page_session import PageSession
from ..browser.transport_fetch import FetchTransport
from ..config import BridgeConfig
from ..errors import NeedsAttention
from ..upstream.failures import looks_like_challenge
from ..upstream.identity import decode_identity
from ..upstream.protocol import AUTH_COOKIE
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

    async def open(self, instance: Instance) -> None:
        """Attach a loaded page with a session to `instance` (raises on failure)."""
        spec = instance.spec
        host = await (self._driver.visible_host() if spec.headed else self._driver.host_with_room())
        page = await PageSession.open(
            instance.id, host, self._config.browser.call_timeout_s, proxy=spec.proxy
        )
        try:
            await self._load(page)
        except BaseException:
            await page.close()
            raise
        self._attach(instance, page, host.label + (f" (pid {host.pid})" if host.pid else ""))
        instance.set_identity(decode_identity(await page.cookies()))
        instance.new_session()

    def _attach(self, instance: Instance, page: PageSession, label: str) -> None:
        arena = self._config.arena
        transport = FetchTransport(
            page,
            first_byte_timeout_s=arena.first_byte_timeout_s,
            idle_timeout_s=arena.idle_timeout_s,
        )
        instance.attach(page, transport, label)

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
        self._attach(instance, page, f"{host.label} (visible)")
        if old is not None:
            await old.close()

    async def close(self, instance: Instance) -> None:
        page = instance.detach()
        if page is not None:
            await page.close()

"""Probes idle instances (GET /api/me: no chat quota), parks challenged ones and expired
accounts, replaces broken ones, renews old sessions."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from ..browser.host import BrowserHost
from ..config import BridgeConfig
from ..errors import Conflict
from ..upstream.protocol import AUTH_COOKIE, CHALLENGE_MARKERS, ME_PATH
from ..util.display import NO_DISPLAY, has_display
from .instance import Instance
from .instance_state import State
from .launcher import InstanceLauncher
from .pool import Pool

log = logging.getLogger(__name__)


class HealthMonitor:
    """One `step()` per `health.interval_s`; every probe runs under a deadline."""

    def __init__(self, config: BridgeConfig, pool: Pool, launcher: InstanceLauncher) -> None:
        self._config = config
        self._pool = pool
        self._launcher = launcher

    async def step(self) -> None:
        targets = [i for i in self._pool.instances.values() if _probe_due(i)]
        await asyncio.gather(*(self._check(i) for i in targets))
        self._renew_sessions()
        await self._recycle_heavy()

    async def check_now(self, inst: Instance) -> dict[str, Any]:
        """Probe one instance at once (an operator's "Check") and act on the answer."""
        if inst.base_state in (State.STARTING, State.DRAINING, State.CLOSED):
            raise Conflict(
                f"Instance '{inst.id}' is {inst.base_state.value}; only a started instance "
                "can be checked.",
                param="id",
                code="instance_not_checkable",
            )
        await self._check(inst)
        return {"check": inst.last_check, "instance": inst.describe()}

    async def _check(self, inst: Instance) -> None:
        started = time.monotonic()
        ok, verdict = await self._probe(inst)
        inst.record_check(ok, verdict, time.monotonic() - started)

    async def _probe(self, inst: Instance) -> tuple[bool, str]:
        """Probe, act on the answer, and say what was found."""
        if inst.page is None or not inst.page.alive:
            self._pool.mark_failed(inst, "page is gone")
            return False, "page is gone"
        try:
            timeout = self._config.health.probe_timeout_s
            result = await inst.page.probe(CHALLENGE_MARKERS, timeout, ME_PATH)
            jar = await inst.page.cookies()
        except Exception as err:
            why = f"probe failed: {getattr(err, 'message', err)}"
            self._pool.mark_failed(inst, why)
            return False, why
        # A parked page may still show the challenge it met (compose opens chat pages in
        # it) after the site answers normally again: then the reload below decides.
        parked = inst.base_state is State.NEEDS_ATTENTION
        if result["challenge"] and not (parked and result["status"] == 200):
            inst.health.mark_bad("challenge")
            if self._pool.park(inst, "the site shows a challenge; a person must open it"):
                self._pool.on_upstream_error("challenge")  # seen by the probe, not a request
            return False, "the site shows a challenge"
        if result["status"] == 401 and inst.spec.account:
            return False, self._login_expired(inst)
        if result["status"] != 200 or not any(n.startswith(AUTH_COOKIE) for n in jar):
            why = result["error"] or f"status {result['status']}"
            if result["status"] == 200:
                why = "session cookie missing"
            self._pool.mark_failed(inst, f"probe: {why}")
            return False, f"probe: {why}"
        return await self._passed(inst, parked)

    async def _passed(self, inst: Instance, parked: bool) -> tuple[bool, str]:
        """The site accepts the login: keep the (maybe rotated) login, unpark the instance."""
        inst.health.mark_good()
        inst.login_expired = False
        await self._pool.keep(inst)  # the site may have rotated its cookie
        if parked:
            # The site answers normally again; reload so the page on screen is normal too.
            if not await self._launcher.reload(inst):
                return False, "the site answers, but the reloaded page still shows a challenge"
            if inst.can_become(State.READY):
                inst.set_state(State.READY, "challenge cleared")
                self._pool.dispatcher.wake()
        return True, "login valid (GET /api/me), session cookie present, no challenge"

    def _login_expired(self, inst: Instance) -> str:
        why = f"login expired (GET {ME_PATH}: 401): open it, log in again and save the session"
        self._pool.expire_login(inst, why)
        return why

    def _renew_sessions(self) -> None:
        cfg = self._config.pool
        now = time.monotonic()
        for inst in list(self._pool.instances.values()):
            if inst.base_state is not State.READY or inst.spare:
                continue
            too_old = now - inst.session_started_mono > cfg.session_lifetime_s
            too_used = inst.session_requests >= cfg.max_requests_per_session
            if too_old or too_used:
                why = "session lifetime reached" if too_old else "request budget reached"
                self._pool.recycle(inst, why)

    async def _recycle_heavy(self) -> None:
        limit = self._config.pool.max_instance_memory_mb
        for inst in list(self._pool.instances.values()):
            if inst.base_state is not State.READY or inst.page is None:
                continue
            used = await inst.page.renderer_memory_mb()
            if used is not None and used > limit:
                self._pool.recycle(inst, f"page memory {used:.0f} MB > {limit} MB")

    def on_host_lost(self, host: BrowserHost) -> None:
        """A browser died: its instances fail fast and are replaced."""
        for inst in list(self._pool.instances.values()):
            if inst.page is not None and inst.page.host is host:
                self._pool.mark_failed(inst, f"browser {host.label} disconnected")

    async def open_visible(self, inst: Instance) -> dict[str, Any]:
        """Show the instance in a headed window so a person can act (never automated)."""
        if not has_display():
            raise Conflict(f"Cannot open a visible window: {NO_DISPLAY}", code="no_display")
        await self._launcher.move_to_visible(inst)
        return {"opened": True, "instance": inst.describe()}


def _probe_due(inst: Instance) -> bool:
    if inst.page is None or not inst.page.alive:
        return inst.base_state in (State.READY, State.COOLING_DOWN)
    if inst.base_state is State.NEEDS_ATTENTION:
        return True
    return inst.base_state is State.READY and inst.in_flight == 0

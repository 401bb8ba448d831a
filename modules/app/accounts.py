"""Accounts: a login an operator gives (a Playwright storage state or the auth cookie value)
becomes an instance, and a login a person made in a visible window is kept ("Save session").

Each login is checked with the site's cheap `GET /api/me` (no chat quota) before anything
is stored, so a refused one leaves no profile and no instance behind.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ..config import BridgeConfig
from ..errors import BadRequest, Conflict, UpstreamError
from ..identity.storage_state import login_from_storage_state
from ..pool.identity_keeper import ACCOUNT_PREFIX, IdentityKeeper, profile_name
from ..pool.instance import Instance
from ..pool.launcher import InstanceLauncher
from ..pool.pool import Pool
from ..upstream.identity import decode_identity
from ..upstream.protocol import CHALLENGE_MARKERS, ME_PATH
from .instance_request import AddInstance

log = logging.getLogger(__name__)


class Accounts:
    """Adds account instances and saves the sessions people logged into."""

    def __init__(self, config: BridgeConfig, pool: Pool, launcher: InstanceLauncher) -> None:
        self._config = config
        self._pool = pool
        self._launcher = launcher

    @property
    def _keeper(self) -> IdentityKeeper:
        keeper = self._pool.keeper
        if keeper is None:
            raise Conflict("Accounts need saved identities (storage.profiles_dir).")
        return keeper

    async def add(self, req: AddInstance) -> Instance:
        """Check the login with the site, store it, start an instance on it."""
        login, field = req.login, req.login_field
        assert login is not None
        self._refuse_twice(login.user_id, field)
        name = req.name or profile_name(ACCOUNT_PREFIX, login.user_id)
        if self._keeper.profiles.exists(name):
            raise Conflict(
                f"A saved account is already called '{name}'.", param="name", code="account_exists"
            )
        spec = self._pool.with_proxy(req.spec)  # checked through the proxy it will use
        status, seen = await self._launcher.check_login(login.state, spec.proxy)
        _judge(status, seen, login.user_id, field)
        self._keeper.profiles.save(
            name, login.state, kind="account", user_id=login.user_id, proxy=spec.proxy
        )
        log.info("saved account %s", name)
        self._pool.target += 1
        return self._pool.add(replace(spec, profile=name, account=True, operator=True))

    def _refuse_twice(self, user_id: str, field: str) -> None:
        for inst in self._pool.active():
            if inst.identity.user_id == user_id:
                raise Conflict(
                    f"This login is already in the pool (instance '{inst.id}').",
                    param=field,
                    code="account_in_pool",
                )

    async def save_session(self, inst: Instance, name: str | None) -> dict[str, Any]:
        """Keep the login in this instance's page as an account (a person logged in there)."""
        page = inst.page
        if page is None or not page.alive:
            raise Conflict(f"Instance '{inst.id}' has no page to save.", code="no_page")
        state: dict[str, Any] = dict(await page.storage_state())
        try:
            login = login_from_storage_state(state, inst.origin or self._config.arena.url)
        except BadRequest:
            raise Conflict(f"Instance '{inst.id}' holds no arena login.", code="no_login") from None
        timeout = self._config.health.probe_timeout_s
        status = (await page.probe(CHALLENGE_MARKERS, timeout, ME_PATH))["status"]
        if status != 200:
            raise Conflict(
                f"The login of '{inst.id}' does not work (GET {ME_PATH} answered {status}); "
                "log in first.",
                code="not_logged_in",
            )
        own = inst.spec.profile if inst.spec.account else None
        name = own or name or profile_name(ACCOUNT_PREFIX, login.user_id)
        if (meta := self._keeper.profiles.meta(name)) and meta.user_id != login.user_id:
            raise Conflict(f"'{name}' is another account.", param="name", code="account_exists")
        self._keeper.profiles.save(
            name, state, kind="account", user_id=login.user_id, proxy=inst.spec.proxy
        )
        if inst.spec.profile and inst.spec.profile != name:
            self._keeper.profiles.delete(inst.spec.profile)  # it was an anonymous sign-up
        inst.spec = replace(inst.spec, profile=name, account=True, operator=True)
        inst.set_identity(decode_identity(await page.cookies()))
        inst.set_pace(self._pool.paces.pace_for(inst.identity.user_id))
        inst.login_expired = False  # the next health probe brings a parked one back
        log.info("%s: saved its session as account %s", inst.id, name)
        return {"saved": name, "instance": inst.describe()}


def _judge(status: int, seen: str | None, user_id: str, field: str) -> None:
    """What the site's GET /api/me said of a login; BadRequest names the field."""
    if status == 401:
        raise BadRequest(
            f"Invalid {field}: the site does not accept this login (GET {ME_PATH} answered "
            "401): it has expired, or it is a login for another site.",
            param=field,
            code="login_expired",
        )
    if status != 200:
        raise UpstreamError(f"Could not check the login: GET {ME_PATH} answered {status}.")
    if seen != user_id:
        raise BadRequest(
            f"Invalid {field}: the site sees another user than the login names.",
            param=field,
            code="login_mismatch",
        )

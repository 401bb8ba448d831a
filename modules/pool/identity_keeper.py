"""Identities that survive restarts: each instance's browser storage (its login) is saved
under `storage.profiles_dir` and reopened by later instances, so a restart brings back the
same user ids, with their paces, instead of signing up new ones.

Saved identities are a stock the pool draws from: a new instance takes the oldest saved
identity no live instance uses (accounts first) and signs up afresh only when none is
free. A profile is deleted only when its identity is known dead (the site no longer
accepts the session) or an operator lets it go (remove, recycle).

An identity's proxy is part of it: it is saved with the identity and a reopened identity
goes through it again, whatever order `browser.proxies` lists proxies in now. When the
configured list no longer holds it, the identity keeps its own proxy (the site would see
the same identity move address otherwise); an operator who wants it gone removes it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from ..config import ProxyConfig
from ..errors import LoginExpired
from ..identity.profiles import ProfileKind, ProfileMeta, ProfileStore, SavedProxy
from ..identity.storage_state import auth_fingerprint
from .instance import Instance
from .instance_spec import InstanceSpec, configured_twin, describe_proxy, same_proxy
from .launcher import InstanceLauncher

log = logging.getLogger(__name__)

ANONYMOUS_PREFIX = "anon-"
ACCOUNT_PREFIX = "acct-"


def profile_name(prefix: str, user_id: str) -> str:
    """A folder name for an identity: the prefix and its user id (odd characters become _)."""
    return prefix + re.sub(r"[^A-Za-z0-9_-]", "_", user_id)[: 64 - len(prefix)]


class IdentityKeeper:
    """Saves instances' storage states and hands saved identities to new instances."""

    def __init__(
        self, profiles: ProfileStore, arena_url: str, proxies: Sequence[ProxyConfig] = ()
    ) -> None:
        self.profiles = profiles
        self._arena_url = arena_url
        self._proxies = proxies  # browser.proxies: a saved proxy listed there takes its values
        self._written: dict[str, str] = {}  # profile name -> fingerprint last written
        self._let_go: set[str] = set()  # profiles forgotten: a closing page never saves them

    def name_of(self, inst: Instance) -> str | None:
        """The profile this instance's identity is saved under (None: not known yet)."""
        if inst.spec.account:
            return inst.spec.profile
        user_id = inst.identity.user_id
        return profile_name(ANONYMOUS_PREFIX, user_id) if user_id else inst.spec.profile

    def next_spec(
        self,
        spec: InstanceSpec,
        live: Iterable[Instance],
        pick_proxy: Callable[[InstanceSpec], InstanceSpec],
    ) -> InstanceSpec:
        """`spec` with the oldest free saved identity (accounts first) if it has none, going
        through that identity's own proxy; `pick_proxy` chooses one for a new identity."""
        if spec.profile is None:
            spec = self._with_free_profile(spec, list(live))
        saved = self.profiles.saved_proxy(spec.profile) if spec.profile else None
        if saved is None:  # a new identity, or one saved before proxies were kept
            return pick_proxy(spec)
        return replace(spec, proxy=self._own_proxy(spec.profile, saved))

    def _with_free_profile(self, spec: InstanceSpec, live: list[Instance]) -> InstanceSpec:
        used = {self.name_of(i) for i in live} | {i.spec.profile for i in live}
        metas = [m for m in map(self.profiles.meta, self.profiles.names()) if m is not None]
        free = [m for m in metas if m.name not in used and self._may_use(m, spec)]
        free.sort(key=lambda m: (m.kind != "account", m.created_at))
        if not free:
            return spec
        chosen = free[0]
        return replace(spec, profile=chosen.name, account=chosen.kind == "account")

    def _may_use(self, meta: ProfileMeta, spec: InstanceSpec) -> bool:
        """A spec with a proxy of its own reopens only identities saved behind that proxy."""
        saved = self.profiles.saved_proxy(meta.name)
        return spec.proxy is None or saved is None or same_proxy(saved.proxy, spec.proxy)

    def _own_proxy(self, name: str | None, saved: SavedProxy) -> ProxyConfig | None:
        """The saved proxy (its configured twin's values when listed: a changed password)."""
        if saved.proxy is None:
            return None
        twin = configured_twin(saved.proxy, self._proxies)
        if twin is None:
            where = describe_proxy(saved.proxy)
            log.warning(
                "identity %s keeps its own proxy %s, which browser.proxies no longer lists "
                "(an identity never changes its address; remove the instance to let it go)",
                name,
                where["server"] if where else None,
            )
        return twin or saved.proxy

    def proxy_passwords(self) -> list[str]:
        """Passwords of the saved identities' proxies (to mask them in logs)."""
        saved = [self.profiles.saved_proxy(n) for n in self.profiles.names()]
        proxies = [s.proxy for s in saved if s is not None and s.proxy is not None]
        return [p.password.get_secret_value() for p in proxies if p.password is not None]

    def accounts(self) -> int:
        """Saved accounts (they are always brought back at start)."""
        metas = map(self.profiles.meta, self.profiles.names())
        return sum(1 for m in metas if m is not None and m.kind == "account")

    def storage_state(self, spec: InstanceSpec) -> dict[str, Any] | None:
        """The saved login to open an instance with (None: a fresh sign-up)."""
        return self.profiles.load_state(spec.profile) if spec.profile else None

    async def open(self, launcher: InstanceLauncher, inst: Instance) -> None:
        """Open the page with the instance's saved identity; one the site forgot is let go
        and the instance signs up afresh (an account is kept: a person must log in again)."""
        try:
            await launcher.open(inst, self.storage_state(inst.spec))
        except LoginExpired:
            if inst.spec.account or inst.spec.profile is None:
                raise
            await launcher.close(inst)
            inst.spec = self.fresh(inst)
            await launcher.open(inst, None)

    async def keep(self, inst: Instance) -> None:
        """Save the instance's identity when its login changed; never fails the caller."""
        try:
            await self.save(inst)
        except Exception as err:  # a full disk or a closing page: the next save tries again
            log.warning("%s: could not save its identity: %s", inst.id, type(err).__name__)

    async def save(self, inst: Instance) -> bool:
        """Write the instance's storage when its login changed (sign-up, cookie rotation)."""
        name, page = self.name_of(inst), inst.page
        if name is None or page is None or not page.alive or name in self._let_go:
            return False
        state: dict[str, Any] = dict(await page.storage_state())
        fingerprint = auth_fingerprint(state, inst.origin or self._arena_url)
        if fingerprint is None or self._written.get(name) == fingerprint:
            return False
        kind: ProfileKind = "account" if inst.spec.account else "anonymous"
        self.profiles.save(
            name, state, kind=kind, user_id=inst.identity.user_id, proxy=inst.spec.proxy
        )
        self._written[name] = fingerprint
        stale = inst.spec.profile
        if stale is not None and stale != name and not inst.spec.account:
            self.profiles.delete(stale)  # the site no longer knew it: a new sign-up replaced it
        inst.spec = replace(inst.spec, profile=name)  # a replacement reopens this identity
        log.info("%s: saved identity %s", inst.id, name)
        return True

    def fresh(self, inst: Instance) -> InstanceSpec:
        """Let an anonymous identity go and give its spec no saved one (a new sign-up); an
        account keeps its spec: it is reopened, never replaced."""
        if inst.spec.account:
            return inst.spec
        self.forget(inst)
        return replace(inst.spec, profile=None)

    def forget(self, inst: Instance) -> None:
        """The identity is gone for good (session refused, or let go by an operator)."""
        for name in {self.name_of(inst), inst.spec.profile} - {None}:
            assert name is not None
            self._let_go.add(name)
            self._written.pop(name, None)
            if self.profiles.delete(name):
                log.info("%s: forgot identity %s", inst.id, name)

"""How an instance is made: its label, proxy, window and concurrency, fixed at creation.

An operator gives a spec when adding an instance (POST /api/instances); otherwise the pool
makes one, taking a proxy from `browser.proxies`. The spec stays with the instance for its
whole life: every context it opens (also a visible window for a person) uses the same
proxy, so an identity never changes its address, and a refused identity is never moved
to another proxy. `profile` names the saved identity (browser storage) it opens. A successor started by a session recycle inherits the spec, and so does
the replacement of a broken instance whose spec an operator chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..config import ProxyConfig
from ..util.redact import redact_url


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    """Per-instance settings; None means "the pool's default"."""

    label: str | None = None
    proxy: ProxyConfig | None = None
    headed: bool = False
    max_concurrent: int | None = None
    operator: bool = False  # chosen by a person (POST /api/instances): a replacement keeps it
    profile: str | None = None  # the saved identity it opens (storage.profiles_dir/<name>)
    account: bool = False  # that identity is a login an operator gave (never signed up here)

    def describe(self) -> dict[str, Any]:
        """JSON view for the API and the GUI; proxy credentials never appear."""
        return {
            "label": self.label,
            "proxy": describe_proxy(self.proxy),
            "headed": self.headed,
            "max_concurrent": self.max_concurrent,
            "operator": self.operator,
            "profile": self.profile,
            "account": self.account,
        }

    def secrets(self) -> list[str]:
        """Values that must be masked wherever this instance's text is shown."""
        if self.proxy is None or self.proxy.password is None:
            return []
        return [self.proxy.password.get_secret_value()]


def describe_proxy(proxy: ProxyConfig | None) -> dict[str, Any] | None:
    """The proxy's address and whether it logs in; never its user or password."""
    if proxy is None:
        return None
    return {"server": redact_url(proxy.server), "auth": proxy.username is not None}


def pick_proxy(
    proxies: Sequence[ProxyConfig], in_use: Iterable[ProxyConfig | None]
) -> ProxyConfig | None:
    """The configured proxy fewest live instances use (ties: the first listed)."""
    if not proxies:
        return None
    used = [p for p in in_use if p is not None]
    return min(proxies, key=lambda p: sum(1 for u in used if u == p))


def same_proxy(a: ProxyConfig | None, b: ProxyConfig | None) -> bool:
    """The same address and login (the password may have changed since)."""
    if a is None or b is None:
        return a is b
    return (a.server, a.username) == (b.server, b.username)


def configured_twin(proxy: ProxyConfig, proxies: Sequence[ProxyConfig]) -> ProxyConfig | None:
    """The configured proxy with `proxy`'s address and login, if one is listed."""
    return next((p for p in proxies if same_proxy(p, proxy)), None)

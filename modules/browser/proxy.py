"""A configured proxy as Playwright's per-context proxy settings.

Chromium sends requests to loopback hosts (localhost, 127.0.0.1, [::1]) directly even
when a proxy is set: an implicit bypass rule. The rule `<-loopback>` removes it, so every
request of the context goes through its proxy, also to a site on this machine (the local
arena, a proxy test). Recent Playwright versions add the rule themselves unless the bypass
list names a loopback host (or PLAYWRIGHT_DISABLE_FORCED_CHROMIUM_PROXIED_LOOPBACK is
set); it is added here explicitly so the behaviour does not depend on either. Contexts
with their own proxy need no launch-level proxy in the Playwright used here (1.65); old
versions on Windows wanted `launch(proxy={"server": "per-context"})`.
"""

from __future__ import annotations

from playwright.async_api import ProxySettings

from ..config import ProxyConfig

LOOPBACK_RULE = "<-loopback>"


def playwright_proxy(proxy: ProxyConfig) -> ProxySettings:
    """Settings for `browser.new_context(proxy=...)`; loopback goes through the proxy too."""
    rules = [LOOPBACK_RULE, *(r.strip() for r in (proxy.bypass or "").split(",") if r.strip())]
    settings = ProxySettings(server=proxy.server, bypass=",".join(rules))
    if proxy.username is not None:
        settings["username"] = proxy.username
    if proxy.password is not None:
        settings["password"] = proxy.password.get_secret_value()
    return settings

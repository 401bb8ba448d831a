"""Config of the browsers: the local one, remote endpoints and the proxies instances use."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from .section import Section

PROXY_SCHEMES = ("http", "https", "socks5", "socks4")


class BrowserEndpoint(Section):
    url: str = Field(description="ws:// of a Playwright server or http(s):// of a CDP endpoint.")
    kind: Literal["playwright", "cdp"] = Field("playwright", description="Protocol.")
    max_instances: int = Field(20, ge=1, description="Contexts to open on this browser.")
    executable_path: str | None = Field(None, description="Browser path on the server side.")


class ProxyConfig(Section):
    server: str = Field(description="http://host:port, https://host:port or socks5://host:port.")
    username: str | None = Field(None, description="Proxy user, when the proxy asks for one.")
    password: SecretStr | None = Field(None, description="Proxy password; never shown or logged.")
    bypass: str | None = Field(None, description="Comma-separated hosts that skip the proxy.")

    @model_validator(mode="after")
    def _server(self) -> ProxyConfig:
        parts = urlsplit(self.server)
        if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
            raise ValueError(f"server must look like http://host:port ({', '.join(PROXY_SCHEMES)})")
        if parts.username or parts.password:
            raise ValueError("put the proxy's user and password in username/password, not server")
        if self.username and parts.scheme.startswith("socks"):
            raise ValueError("Chromium cannot log in to a SOCKS proxy; use an http proxy")
        return self


class BrowserConfig(Section):
    executable_path: str | None = Field(None, description="Browser binary; auto when null.")
    headless: bool = Field(True, description="Run the local browser without a window.")
    sandbox: bool = Field(
        True, description="Keep Chromium's sandbox (always off when running as root)."
    )
    extra_args: list[str] = Field(default_factory=list, description="More Chromium flags.")
    call_timeout_s: float = Field(30, gt=0, description="Deadline of any browser call.")
    contexts_per_browser: int = Field(50, ge=1, description="Instances per local browser.")
    endpoints: list[BrowserEndpoint] = Field(default_factory=list, description="Remote browsers.")
    proxies: list[ProxyConfig] = Field(
        default_factory=list, description="Proxies given to new instances in turn; kept for life."
    )

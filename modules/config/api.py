"""Config of the bridge's own API: the bind and its limits, client keys, OpenAI replies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .section import Section


class ServerConfig(Section):
    host: str = Field("127.0.0.1", description="Interface to bind; loopback by default.")
    port: int = Field(5102, ge=0, le=65535, description="TCP port of the API and GUI.")
    allow_unauthenticated_remote: bool = Field(
        False, description="Allow a non-loopback bind with no API key (not recommended)."
    )
    access_log: bool = Field(
        False, description="Log one line per HTTP request (method, path, status, time, client)."
    )
    public_hosts: list[str] = Field(
        default_factory=list,
        description="Host names answered besides loopback names (and IPs on a public bind).",
    )
    behind_proxy: bool = Field(
        False, description="A reverse proxy forwards clients: keys required, loopback grants none."
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1", description="Proxies whose X-Forwarded-* headers count (behind_proxy only)."
    )
    max_body_mb: float = Field(8, gt=0, le=1024, description="Largest request body accepted.")
    header_timeout_s: float = Field(10, gt=0, description="Deadline to receive request headers.")
    body_timeout_s: float = Field(30, gt=0, description="Deadline to receive a request body.")
    keep_alive_s: float = Field(5, gt=0, description="Idle keep-alive connections close after.")
    max_header_kb: int = Field(16, ge=1, le=1024, description="Largest request head accepted.")
    limit_concurrency: int = Field(
        256, ge=1, description="Open connections and tasks before new requests get 503."
    )
    max_event_subscribers: int = Field(
        16, ge=1, description="Live /api/events streams at once; more get 503."
    )


class AuthConfig(Section):
    api_keys: list[str] = Field(default_factory=list, description="Bearer keys for /v1.")
    admin_key: str | None = Field(None, description="Key for /api/* and the GUI.")
    login_max_failures: int = Field(
        5, ge=1, description="Wrong admin keys from one client before it is locked out."
    )
    login_lockout_s: float = Field(
        30, gt=0, description="First lock-out; doubles with each further failure (max 1 h)."
    )
    session_idle_s: float = Field(3600, gt=0, description="A GUI login ends after this idle time.")
    session_max_s: float = Field(
        43200, gt=0, description="A GUI login ends after this in any case."
    )


class OpenAIConfig(Section):
    reasoning_format: Literal["both", "reasoning_content", "reasoning", "think_tags"] = Field(
        "both", description="Where chat answers carry reasoning (fields or inline <think>)."
    )
    responses_ttl_s: float = Field(
        86_400, gt=0, description="How long /v1/responses are kept for previous_response_id."
    )
    responses_store_file: str = Field(
        "responses.db", description="SQLite file of stored responses (in storage.path)."
    )

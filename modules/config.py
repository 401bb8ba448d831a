"""Configuration: `config.jsonc` parsed with json5 into frozen pydantic models.

A wrong key or value fails at start with `ConfigError`, whose message names the file and
the dotted key; callers print it and exit, never a stack trace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import json5
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from .errors import ConfigError
from .upstream import site_ui

PROXY_SCHEMES = ("http", "https", "socks5", "socks4")

# Each name here has its entry in a registry, and a test holds them together:
# StrategyName <-> pool/strategies.py STRATEGIES, AlertKindName <-> observability/alert_kinds.py.
# Ceilings for sizes an operator may set (a typo must not start a million browsers).
MAX_INSTANCES = 500
MAX_CONCURRENT = 64
MAX_COOLDOWN_S = 86_400.0

StrategyName = Literal["least_busy", "round_robin", "response_time", "random", "weighted"]
AlertKindName = Literal[
    "error_rate",
    "p95_latency",
    "p95_ttft",
    "no_usable_instance",
    "needs_attention",
    "login_expired",
    "pool_saturated",
    "degradation",
    "identity_penalised",
    "all_identities_penalised",
]
DegradationMetric = Literal["p95_ttft", "p95_latency", "error_rate"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerConfig(_Section):
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


class AuthConfig(_Section):
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


class ArenaUiConfig(_Section):
    chat_path: str = Field(site_ui.CHAT_PATH, description="Path of a new direct chat page.")
    model_param: str = Field(site_ui.MODEL_PARAM, description="Query parameter naming the model.")
    side_by_side_path: str = Field(
        site_ui.SIDE_BY_SIDE_PATH, description="Path of a new side-by-side battle page."
    )
    model_b_param: str = Field(
        site_ui.MODEL_B_PARAM, description="Query parameter naming the side-by-side model b."
    )
    battle_path: str = Field(site_ui.BATTLE_PATH, description="Path of a new blind battle page.")
    composer: str = Field("", description="CSS selector of the message box; empty: found.")
    submit: site_ui.Submit = Field("enter", description="Send with Enter or the send button.")
    send_button: str = Field("", description="CSS selector of the send button; empty: found.")
    file_input: str = Field("", description="CSS selector of the image file input; empty: found.")
    gate_marker: str = Field(site_ui.GATE_MARKER, description="Global/script name of a gate.")
    send_timeout_s: float = Field(
        site_ui.SEND_TIMEOUT_S, gt=0, description="The page must send this soon after submit."
    )

    def adapter(self) -> site_ui.SiteUi:
        """The UI adapter with these values."""
        return site_ui.SiteUi(**self.model_dump())


class ArenaConfig(_Section):
    url: str = Field("https://arena.ai", description="Upstream site.")
    transport: Literal["auto", "compose", "fetch"] = Field(
        "auto", description="How a request leaves the page."
    )
    page_load_timeout_s: float = Field(45, gt=0, description="Deadline to load the page.")
    list_stealth_models: bool = Field(False, description="List models with no organization.")
    models_cache_file: str = Field(
        "models.json", description="Cached model list (in storage.path)."
    )
    model_refresh_interval_s: float = Field(600, gt=0, description="Model list refresh period.")
    attachment_url_allowlist: list[str] = Field(
        default_factory=list, description="URL prefixes allowed as remote image attachments."
    )
    ui: ArenaUiConfig = Field(default_factory=ArenaUiConfig, description="The site's UI (compose).")
    max_image_mb: float = Field(4, gt=0, description="Largest inline (data:) image accepted.")
    max_images_mb: float = Field(8, gt=0, description="Inline images of one request together.")


class TimeoutsConfig(_Section):
    first_byte_s: float = Field(60, gt=0, description="Per attempt: send to first byte.")
    idle_s: float = Field(60, gt=0, description="Per attempt: longest silence in a stream.")
    total_s: float = Field(300, gt=0, description="Per attempt: the whole answer.")

    @model_validator(mode="after")
    def _within_total(self) -> TimeoutsConfig:
        if self.first_byte_s > self.total_s or self.idle_s > self.total_s:
            raise ValueError(
                "timeouts.first_byte_s and timeouts.idle_s must not exceed timeouts.total_s"
            )
        return self


class BrowserEndpoint(_Section):
    url: str = Field(description="ws:// of a Playwright server or http(s):// of a CDP endpoint.")
    kind: Literal["playwright", "cdp"] = Field("playwright", description="Protocol.")
    max_instances: int = Field(20, ge=1, description="Contexts to open on this browser.")
    executable_path: str | None = Field(None, description="Browser path on the server side.")


class ProxyConfig(_Section):
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


class BrowserConfig(_Section):
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


class PoolConfig(_Section):
    initial_instances: int = Field(
        2, ge=0, le=MAX_INSTANCES, description="Instances started at launch."
    )
    min_instances: int = Field(1, ge=0, le=MAX_INSTANCES, description="Autoscaler floor.")
    max_instances: int = Field(6, ge=1, le=MAX_INSTANCES, description="Autoscaler ceiling.")
    max_concurrent_per_instance: int = Field(
        1, ge=1, le=MAX_CONCURRENT, description="Requests at once per instance."
    )
    warm_spares: int = Field(0, ge=0, description="Idle loaded instances kept in reserve.")
    session_lifetime_s: float = Field(3600, gt=0, description="Regenerate a session after this.")
    max_requests_per_session: int = Field(500, ge=1, description="Regenerate after N requests.")
    max_instance_memory_mb: int = Field(600, ge=50, description="Recycle above this renderer RSS.")

    @model_validator(mode="after")
    def _bounds(self) -> PoolConfig:
        if self.min_instances > self.max_instances:
            raise ValueError("pool.min_instances must be <= pool.max_instances")
        return self


class AffinityConfig(_Section):
    enabled: bool = Field(True, description="Continue known conversations in the same chat.")
    max_entries: int = Field(10_000, ge=1, description="Conversations remembered (LRU).")
    ttl_s: float = Field(3600, gt=0, description="Forget a conversation unused this long.")
    max_wait_s: float = Field(15, ge=0, description="Wait this long for the chat's instance.")


class BalancerConfig(_Section):
    strategy: StrategyName = Field("least_busy", description="How an instance is picked.")
    max_retries: int = Field(2, ge=0, description="Retries elsewhere before the first byte.")
    ewma_alpha: float = Field(0.3, gt=0, le=1, description="Weight of the newest latency.")
    exploration_rate: float = Field(0.05, ge=0, le=1, description="response_time exploration.")
    stale_after_s: float = Field(300, gt=0, description="Re-explore instances unused this long.")
    affinity: AffinityConfig = Field(
        default_factory=AffinityConfig, description="Conversation continuity."
    )


class QueueConfig(_Section):
    max_size: int = Field(100, ge=0, description="Requests allowed to wait.")
    timeout_s: float = Field(60, gt=0, description="Longest wait for a free instance.")
    keepalive_interval_s: float = Field(5, gt=0, description="SSE comment period while waiting.")


class PacingConfig(_Section):
    enabled: bool = Field(
        True, description="Space each identity's sends; penalties and Retry-After apply always."
    )
    min_interval_s: float = Field(45, ge=0, description="Shortest time between two sends.")
    max_interval_s: float = Field(900, gt=0, description="Longest adaptive interval.")
    burst: int = Field(6, ge=1, description="Sends allowed per burst_window_s.")
    burst_window_s: float = Field(900, gt=0, description="Sliding window of the burst budget.")
    success_factor: float = Field(
        0.9, gt=0, le=1, description="Interval multiplier after a success."
    )
    refusal_factor: float = Field(2, ge=1, description="Interval multiplier after a refusal.")
    penalty_s: float = Field(1200, gt=0, description="Rest after a first refusal that flags.")
    penalty_max_s: float = Field(
        7200, gt=0, description="Longest penalty (it doubles per refusal)."
    )

    @model_validator(mode="after")
    def _bounds(self) -> PacingConfig:
        if self.min_interval_s > self.max_interval_s:
            raise ValueError("pacing.min_interval_s must be <= pacing.max_interval_s")
        if self.penalty_s > self.penalty_max_s:
            raise ValueError("pacing.penalty_s must be <= pacing.penalty_max_s")
        return self


class HealthConfig(_Section):
    interval_s: float = Field(10, gt=0, description="Probe period of idle instances.")
    probe_timeout_s: float = Field(5, gt=0, description="Deadline of one probe.")
    failure_threshold: int = Field(3, ge=1, description="Consecutive failures to unhealthy.")


class AutoscaleConfig(_Section):
    enabled: bool = Field(True, description="Scale between min and max by load.")
    interval_s: float = Field(2, gt=0, description="Measure/judge/act period.")
    scale_up_threshold: float = Field(0.8, gt=0, le=1, description="Utilisation to grow.")
    scale_down_threshold: float = Field(0.3, ge=0, lt=1, description="Utilisation to shrink.")
    cooldown_s: float = Field(
        30, ge=0, le=MAX_COOLDOWN_S, description="Low load this long before shrinking."
    )
    max_memory_mb: int = Field(4096, ge=100, description="Browser process tree budget.")

    @model_validator(mode="after")
    def _thresholds(self) -> AutoscaleConfig:
        if self.scale_down_threshold >= self.scale_up_threshold:
            raise ValueError(
                "autoscale.scale_down_threshold must be below autoscale.scale_up_threshold"
            )
        return self


class ShutdownConfig(_Section):
    grace_s: float = Field(20, ge=0, description="Drain time for in-flight requests.")


class StorageConfig(_Section):
    enabled: bool = Field(True, description="Keep request and event history in SQLite.")
    path: str = Field("data", description="Data folder (relative to the config file).")
    retention_days: float = Field(7, gt=0, description="Drop history older than this.")
    max_rows: int = Field(1_000_000, ge=1000, description="Drop oldest rows beyond this.")
    profiles_dir: str = Field(
        "profiles", description="Saved browser logins, one folder each (inside storage.path)."
    )


class AlertRule(_Section):
    name: str = Field(description="Unique rule name.")
    kind: AlertKindName = Field(description="What the rule watches.")
    threshold: float = Field(0, description="Value that fires the rule.")
    window_s: float = Field(300, gt=0, description="Look-back window.")
    min_samples: int = Field(10, ge=0, description="Samples needed before it can fire.")
    cooldown_s: float = Field(300, ge=0, description="Quiet time after firing or resolving.")
    # degradation only: threshold is the factor over a model's own baseline (e.g. 1.5).
    metric: DegradationMetric = Field("p95_ttft", description="degradation: figure compared.")
    baseline_s: float = Field(86400, gt=0, description="degradation: baseline look-back.")
    floor: float = Field(0, ge=0, description="degradation: the figure must also pass this.")

    @model_validator(mode="after")
    def _degradation_terms(self) -> AlertRule:
        if self.kind != "degradation":
            return self
        if self.threshold <= 1:
            raise ValueError(f"rule {self.name}: threshold (the factor) must be above 1")
        if self.baseline_s <= self.window_s:
            raise ValueError(f"rule {self.name}: baseline_s must be longer than window_s")
        return self


def _default_rules() -> list[AlertRule]:
    """The rules config.jsonc shows; used when the file has no alerts.rules."""
    rows = [
        ("high_error_rate", "error_rate", 0.2, 300, 10, 300),
        ("slow_answers", "p95_latency", 60, 600, 20, 600),
        ("slow_first_token", "p95_ttft", 15, 600, 20, 600),
        ("no_usable_instance", "no_usable_instance", 0, 60, 0, 60),
        ("instance_needs_attention", "needs_attention", 0, 60, 0, 60),
        ("account_login_expired", "login_expired", 0, 60, 0, 60),
        ("pool_saturated", "pool_saturated", 0, 60, 0, 300),
        ("identity_penalised", "identity_penalised", 0, 60, 0, 60),
        ("every_identity_penalised", "all_identities_penalised", 0, 60, 0, 60),
    ]
    rules = [
        AlertRule(name=n, kind=k, threshold=t, window_s=w, min_samples=m, cooldown_s=c)
        for n, k, t, w, m, c in rows
    ]
    slower = AlertRule(
        name="model_slower_than_usual",
        kind="degradation",
        metric="p95_ttft",
        threshold=1.5,
        baseline_s=86400,
        floor=2,
        window_s=900,
        min_samples=20,
        cooldown_s=900,
    )
    return [*rules, slower]


class AlertsConfig(_Section):
    webhook_url: str | None = Field(None, description="POST alerts here as JSON.")
    webhook_timeout_s: float = Field(5, gt=0, description="Deadline per webhook call.")
    webhook_retries: int = Field(3, ge=0, description="Retries of a failed webhook call.")
    evaluate_interval_s: float = Field(5, gt=0, description="Rule evaluation period.")
    rules: list[AlertRule] = Field(default_factory=_default_rules, description="Alert rules.")


class OpenAIConfig(_Section):
    reasoning_format: Literal["both", "reasoning_content", "reasoning", "think_tags"] = Field(
        "both", description="Where chat answers carry reasoning (fields or inline <think>)."
    )
    responses_ttl_s: float = Field(
        86_400, gt=0, description="How long /v1/responses are kept for previous_response_id."
    )
    responses_store_file: str = Field(
        "responses.db", description="SQLite file of stored responses (in storage.path)."
    )


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    log_prompts: bool = Field(False, description="Log prompt text (off: privacy).")
    format: Literal["text", "json"] = Field("text", description="stderr lines: text or JSON.")
    console_lines: int = Field(2000, ge=100, description="Log lines kept for the console.")


class BridgeConfig(_Section):
    server: ServerConfig = ServerConfig()
    auth: AuthConfig = AuthConfig()
    arena: ArenaConfig = ArenaConfig()
    timeouts: TimeoutsConfig = TimeoutsConfig()
    browser: BrowserConfig = BrowserConfig()
    pool: PoolConfig = PoolConfig()
    balancer: BalancerConfig = BalancerConfig()
    queue: QueueConfig = QueueConfig()
    health: HealthConfig = HealthConfig()
    pacing: PacingConfig = PacingConfig()
    autoscale: AutoscaleConfig = AutoscaleConfig()
    shutdown: ShutdownConfig = ShutdownConfig()
    storage: StorageConfig = StorageConfig()
    alerts: AlertsConfig = AlertsConfig()
    logging: LoggingConfig = LoggingConfig()
    openai: OpenAIConfig = OpenAIConfig()
    source: str | None = Field(None, exclude=True, description="File this was read from.")

    def source_file(self) -> Path | None:
        """The config file, or None when the config did not come from a file."""
        return Path(self.source) if self.source and not self.source.startswith("<") else None


def _format_error(err: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in err.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"  {key}: {msg}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], source: str = "<config>") -> BridgeConfig:
    """Validate a parsed mapping; raise ConfigError naming file and key."""
    try:
        return BridgeConfig.model_validate({**data, "source": source})
    except ValidationError as err:
        raise ConfigError(_format_error(err, source)) from None


def load_config(path: str | Path) -> BridgeConfig:
    """Read a JSONC file; a missing file gives the defaults."""
    p = Path(path)
    if not p.exists():
        return parse_config({}, str(p))
    try:
        data = json5.loads(p.read_text(encoding="utf-8"))
    except ValueError as err:
        raise ConfigError(f"{p}: not valid JSONC: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: the top level must be an object")
    return parse_config(data, str(p))


def with_overrides(config: BridgeConfig, **sections: dict[str, Any]) -> BridgeConfig:
    """Return a copy with some keys replaced, validated again (used by the CLI and tests)."""
    data = config.model_dump()
    for section, values in sections.items():
        data[section] = {**data.get(section, {}), **values}
    return parse_config(data, config.source or "<overrides>")

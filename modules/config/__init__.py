"""Configuration: `config.jsonc` parsed with json5 into frozen pydantic models.

A wrong key or value fails at start with `ConfigError`, whose message names the file and
the dotted key; callers print it and exit, never a stack trace. One module per group of
sections (api, arena, browser, pool, pacing, observability), the root model in `bridge`,
reading and validating in `loading`; import every name from here.
"""

from __future__ import annotations

from .api import AuthConfig, OpenAIConfig, ServerConfig
from .arena import ArenaConfig, ArenaUiConfig, TimeoutsConfig
from .bridge import BridgeConfig
from .browser import PROXY_SCHEMES, BrowserConfig, BrowserEndpoint, ProxyConfig
from .loading import load_config, parse_config, with_overrides
from .observability import (
    AlertKindName,
    AlertRule,
    AlertsConfig,
    DegradationMetric,
    LoggingConfig,
    StorageConfig,
)
from .pacing import PacingConfig
from .pool import (
    MAX_CONCURRENT,
    MAX_COOLDOWN_S,
    MAX_INSTANCES,
    AffinityConfig,
    AutoscaleConfig,
    BalancerConfig,
    HealthConfig,
    PoolConfig,
    QueueConfig,
    ShutdownConfig,
    StrategyName,
)
from .section import Section

__all__ = [
    "MAX_CONCURRENT",
    "MAX_COOLDOWN_S",
    "MAX_INSTANCES",
    "PROXY_SCHEMES",
    "AffinityConfig",
    "AlertKindName",
    "AlertRule",
    "AlertsConfig",
    "ArenaConfig",
    "ArenaUiConfig",
    "AuthConfig",
    "AutoscaleConfig",
    "BalancerConfig",
    "BridgeConfig",
    "BrowserConfig",
    "BrowserEndpoint",
    "DegradationMetric",
    "HealthConfig",
    "LoggingConfig",
    "OpenAIConfig",
    "PacingConfig",
    "PoolConfig",
    "ProxyConfig",
    "QueueConfig",
    "Section",
    "ServerConfig",
    "ShutdownConfig",
    "StorageConfig",
    "StrategyName",
    "TimeoutsConfig",
    "load_config",
    "parse_config",
    "with_overrides",
]

"""The whole configuration: one frozen model with a field per section."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from .api import AuthConfig, OpenAIConfig, ServerConfig
from .arena import ArenaConfig, TimeoutsConfig
from .browser import BrowserConfig
from .observability import AlertsConfig, LoggingConfig, StorageConfig
from .pacing import PacingConfig
from .pool import (
    AutoscaleConfig,
    BalancerConfig,
    HealthConfig,
    PoolConfig,
    QueueConfig,
    ShutdownConfig,
)
from .section import Section


class BridgeConfig(Section):
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

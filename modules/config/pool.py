"""Config of the pool: its size, balancing, the wait queue, health, autoscaling, shutdown."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .section import Section

# Ceilings for sizes an operator may set (a typo must not start a million browsers).
MAX_INSTANCES = 500
MAX_CONCURRENT = 64
MAX_COOLDOWN_S = 86_400.0

# A test holds this and pool/strategies.py STRATEGIES together.
StrategyName = Literal["least_busy", "round_robin", "response_time", "random", "weighted"]


class PoolConfig(Section):
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


class AffinityConfig(Section):
    enabled: bool = Field(True, description="Continue known conversations in the same chat.")
    max_entries: int = Field(10_000, ge=1, description="Conversations remembered (LRU).")
    ttl_s: float = Field(3600, gt=0, description="Forget a conversation unused this long.")
    max_wait_s: float = Field(15, ge=0, description="Wait this long for the chat's instance.")


class BalancerConfig(Section):
    strategy: StrategyName = Field("least_busy", description="How an instance is picked.")
    max_retries: int = Field(2, ge=0, description="Retries elsewhere before the first byte.")
    ewma_alpha: float = Field(0.3, gt=0, le=1, description="Weight of the newest latency.")
    exploration_rate: float = Field(0.05, ge=0, le=1, description="response_time exploration.")
    stale_after_s: float = Field(300, gt=0, description="Re-explore instances unused this long.")
    affinity: AffinityConfig = Field(
        default_factory=AffinityConfig, description="Conversation continuity."
    )


class QueueConfig(Section):
    max_size: int = Field(100, ge=0, description="Requests allowed to wait.")
    timeout_s: float = Field(60, gt=0, description="Longest wait for a free instance.")
    keepalive_interval_s: float = Field(5, gt=0, description="SSE comment period while waiting.")


class HealthConfig(Section):
    interval_s: float = Field(10, gt=0, description="Probe period of idle instances.")
    probe_timeout_s: float = Field(5, gt=0, description="Deadline of one probe.")
    failure_threshold: int = Field(3, ge=1, description="Consecutive failures to unhealthy.")


class AutoscaleConfig(Section):
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


class ShutdownConfig(Section):
    grace_s: float = Field(20, ge=0, description="Drain time for in-flight requests.")

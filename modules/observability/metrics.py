"""Every Prometheus metric of the bridge, defined once on an injected registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .records import RequestRecord

# Instance states always exported, so a state with no instance reads 0 instead of vanishing.
INSTANCE_STATES: tuple[str, ...] = (
    "starting",
    "ready",
    "busy",
    "cooling_down",
    "unhealthy",
    "needs_attention",
    "draining",
    "closed",
)

# LLM answers take from a fraction of a second to minutes; default buckets stop at 10 s.
TTFT_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120)
DURATION_BUCKETS: tuple[float, ...] = (*TTFT_BUCKETS, 180, 300)
QUEUE_WAIT_BUCKETS: tuple[float, ...] = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)

METRIC_NAMES: tuple[str, ...] = (
    "bridge_requests_total",
    "bridge_request_duration_seconds",
    "bridge_time_to_first_token_seconds",
    "bridge_prompt_tokens_total",
    "bridge_completion_tokens_total",
    "bridge_queue_depth",
    "bridge_queue_wait_seconds",
    "bridge_instances",
    "bridge_instance_restarts_total",
    "bridge_upstream_errors_total",
    "bridge_autoscaler_decisions_total",
    "bridge_retries_total",
    "bridge_instance_next_slot_seconds",
    "bridge_instance_penalty_seconds",
    "bridge_instance_refusal_streak",
    "bridge_instance_refusals",
    "bridge_paced_capacity_requests_per_hour",
    "bridge_paused_seconds",
)


@dataclass(frozen=True, slots=True)
class PaceReading:
    """One identity's pace as the metrics show it (seconds from now)."""

    instance: str
    next_slot_s: float
    penalty_s: float
    streak: int
    refusals: Mapping[str, int]  # by kind, ever (kept with the pace across restarts)


class BridgeMetrics:
    """The bridge's metrics on one registry; tests build as many as they like."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        # prometheus_client appends `_total` to counter names itself, so pass the stem.
        self.requests = Counter(
            "bridge_requests",
            "Finished requests by model and HTTP status.",
            ["model", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            "bridge_request_duration_seconds",
            "Wall time of a request, queue included.",
            ["model"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.ttft = Histogram(
            "bridge_time_to_first_token_seconds",
            "Time until the first content byte.",
            ["model"],
            buckets=TTFT_BUCKETS,
            registry=registry,
        )
        self.prompt_tokens = Counter(
            "bridge_prompt_tokens", "Prompt tokens (estimated).", ["model"], registry=registry
        )
        self.completion_tokens = Counter(
            "bridge_completion_tokens",
            "Completion tokens (estimated).",
            ["model"],
            registry=registry,
        )
        self.queue_depth = Gauge(
            "bridge_queue_depth", "Requests waiting for a free instance.", registry=registry
        )
        self.queue_wait = Histogram(
            "bridge_queue_wait_seconds",
            "Time a request waited for an instance.",
            buckets=QUEUE_WAIT_BUCKETS,
            registry=registry,
        )
        self.instances = Gauge(
            "bridge_instances", "Instances by state.", ["state"], registry=registry
        )
        self.restarts = Counter(
            "bridge_instance_restarts",
            "Instance restarts by reason.",
            ["reason"],
            registry=registry,
        )
        self.upstream_errors = Counter(
            "bridge_upstream_errors", "Upstream failures by kind.", ["kind"], registry=registry
        )
        self.scale_decisions = Counter(
            "bridge_autoscaler_decisions",
            "Autoscaler actions taken.",
            ["action"],
            registry=registry,
        )
        self.retries = Counter(
            "bridge_retries", "Requests retried on another instance.", registry=registry
        )
        self._pace_gauges(registry)
        self.set_instances({})

    def _pace_gauges(self, registry: CollectorRegistry) -> None:
        by_instance = ["instance"]
        self.next_slot = Gauge(
            "bridge_instance_next_slot_seconds",
            "Seconds until the identity's pace allows its next send (0: now).",
            by_instance,
            registry=registry,
        )
        self.penalty = Gauge(
            "bridge_instance_penalty_seconds",
            "Seconds left of the identity's penalty (0: none); nothing is sent meanwhile.",
            by_instance,
            registry=registry,
        )
        self.streak = Gauge(
            "bridge_instance_refusal_streak",
            "Refusals in a row that penalised the identity (a success resets it).",
            by_instance,
            registry=registry,
        )
        self.refusals = Gauge(
            "bridge_instance_refusals",
            "Refusals the identity drew, by kind (kept with its pace across restarts).",
            ["instance", "kind"],
            registry=registry,
        )
        self.paced_capacity = Gauge(
            "bridge_paced_capacity_requests_per_hour",
            "Requests per hour the paces of the usable identities allow.",
            registry=registry,
        )
        self.paused = Gauge(
            "bridge_paused_seconds", "Seconds left of the operator's pause.", registry=registry
        )

    def observe_request(self, rec: RequestRecord) -> None:
        """Count one finished request: status, latencies and tokens."""
        self.requests.labels(model=rec.model, status=str(rec.status)).inc()
        self.duration.labels(model=rec.model).observe(max(rec.duration_s, 0.0))
        if rec.ttft_s is not None:
            self.ttft.labels(model=rec.model).observe(max(rec.ttft_s, 0.0))
        if rec.prompt_tokens > 0:
            self.prompt_tokens.labels(model=rec.model).inc(rec.prompt_tokens)
        if rec.completion_tokens > 0:
            self.completion_tokens.labels(model=rec.model).inc(rec.completion_tokens)

    def set_queue_depth(self, n: int) -> None:
        """Set how many requests wait right now."""
        self.queue_depth.set(n)

    def observe_queue_wait(self, seconds: float) -> None:
        """Record one request's time in the queue."""
        self.queue_wait.observe(max(seconds, 0.0))

    def set_instances(self, counts: Mapping[str, int]) -> None:
        """Publish instance counts; every known state is set, missing ones to 0."""
        for state in INSTANCE_STATES:
            self.instances.labels(state=state).set(counts.get(state, 0))
        for state, n in counts.items():
            if state not in INSTANCE_STATES:
                self.instances.labels(state=state).set(n)

    def set_paces(self, readings: Sequence[PaceReading]) -> None:
        """Publish each identity's pace; instances that left lose their series."""
        for gauge in (self.next_slot, self.penalty, self.streak, self.refusals):
            gauge.clear()
        for r in readings:
            self.next_slot.labels(instance=r.instance).set(r.next_slot_s)
            self.penalty.labels(instance=r.instance).set(r.penalty_s)
            self.streak.labels(instance=r.instance).set(r.streak)
            for kind, n in r.refusals.items():
                self.refusals.labels(instance=r.instance, kind=kind).set(n)

    def inc_restart(self, reason: str) -> None:
        """Count one instance restart."""
        self.restarts.labels(reason=reason).inc()

    def inc_upstream_error(self, kind: str) -> None:
        """Count one upstream failure of the given kind."""
        self.upstream_errors.labels(kind=kind).inc()

    def inc_scale(self, action: str) -> None:
        """Count one autoscaler action ("up", "down", ...)."""
        self.scale_decisions.labels(action=action).inc()

    def inc_retry(self) -> None:
        """Count one retry on another instance."""
        self.retries.inc()

    def exposition(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)

"""Config of what the bridge keeps and reports: storage, alert rules, logging."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .section import Section

# A test holds this and observability/alert_kinds.py ALERT_KINDS together.
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


class StorageConfig(Section):
    enabled: bool = Field(True, description="Keep request and event history in SQLite.")
    path: str = Field("data", description="Data folder (relative to the config file).")
    retention_days: float = Field(7, gt=0, description="Drop history older than this.")
    max_rows: int = Field(1_000_000, ge=1000, description="Drop oldest rows beyond this.")
    profiles_dir: str = Field(
        "profiles", description="Saved browser logins, one folder each (inside storage.path)."
    )


class AlertRule(Section):
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


class AlertsConfig(Section):
    webhook_url: str | None = Field(None, description="POST alerts here as JSON.")
    webhook_timeout_s: float = Field(5, gt=0, description="Deadline per webhook call.")
    webhook_retries: int = Field(3, ge=0, description="Retries of a failed webhook call.")
    evaluate_interval_s: float = Field(5, gt=0, description="Rule evaluation period.")
    rules: list[AlertRule] = Field(default_factory=_default_rules, description="Alert rules.")


class LoggingConfig(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    log_prompts: bool = Field(False, description="Log prompt text (off: privacy).")
    format: Literal["text", "json"] = Field("text", description="stderr lines: text or JSON.")
    console_lines: int = Field(2000, ge=100, description="Log lines kept for the console.")

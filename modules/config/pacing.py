"""Config of the identity budget: how often each identity may send, and its penalties."""

from __future__ import annotations

from pydantic import Field, model_validator

from .section import Section


class PacingConfig(Section):
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

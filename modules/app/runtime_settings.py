"""Run-time settings: read, validate, apply at once, and write back to config.jsonc."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import (
    MAX_CONCURRENT,
    MAX_COOLDOWN_S,
    MAX_INSTANCES,
    BridgeConfig,
    StrategyName,
    load_config,
)
from ..errors import BadRequest, BridgeError, ConfigError, Conflict
from ..util.jsonc_edit import write_jsonc_changes

if TYPE_CHECKING:
    from ..pool.pool import Pool
    from ..scaling.autoscaler import Autoscaler

log = logging.getLogger(__name__)

# Setting name -> its key path in config.jsonc.
CONFIG_PATHS: dict[str, tuple[str, ...]] = {
    "strategy": ("balancer", "strategy"),
    "min_instances": ("pool", "min_instances"),
    "max_instances": ("pool", "max_instances"),
    "max_concurrent_per_instance": ("pool", "max_concurrent_per_instance"),
    "autoscale_enabled": ("autoscale", "enabled"),
    "scale_up_threshold": ("autoscale", "scale_up_threshold"),
    "scale_down_threshold": ("autoscale", "scale_down_threshold"),
    "cooldown_s": ("autoscale", "cooldown_s"),
}


class Settings(BaseModel):
    """What an operator may change while the bridge runs; every number bounded and finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
    strategy: StrategyName
    min_instances: int = Field(ge=0, le=MAX_INSTANCES)
    max_instances: int = Field(ge=1, le=MAX_INSTANCES)
    max_concurrent_per_instance: int = Field(ge=1, le=MAX_CONCURRENT)
    autoscale_enabled: bool
    scale_up_threshold: float = Field(gt=0, le=1)
    scale_down_threshold: float = Field(ge=0, lt=1)
    cooldown_s: float = Field(ge=0, le=MAX_COOLDOWN_S)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.min_instances > self.max_instances:
            raise ValueError("min_instances must be <= max_instances")
        if self.scale_down_threshold >= self.scale_up_threshold:
            raise ValueError("scale_down_threshold must be below scale_up_threshold")
        return self


class SettingsManager:
    """Owns the current Settings; applies changes to the pool, the autoscaler and the file."""

    def __init__(self, config: BridgeConfig, pool: Pool, autoscaler: Autoscaler) -> None:
        self._pool = pool
        self._autoscaler = autoscaler
        self._path = config.source_file()
        self._seen_mtime = self._mtime()
        self.current = _settings_of(config)

    def view(self) -> dict[str, Any]:
        return {**self.current.model_dump(), "config_file": str(self._path) if self._path else None}

    def update(self, patch: dict[str, Any]) -> dict[str, Any]:
        """Validate a partial update, save it to the config file, then apply it: all or nothing."""
        if not isinstance(patch, dict):
            raise BadRequest("The body must be a JSON object of settings.")
        try:
            new = Settings.model_validate({**self.current.model_dump(), **patch})
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BadRequest(
                f"Invalid setting {where or ''}: {first['msg']}".strip(), param=where or None
            ) from None
        changed = {k: v for k, v in new.model_dump().items() if getattr(self.current, k) != v}
        self._check_growth(new)
        if changed and self._path is not None and self._path.exists():
            try:
                write_jsonc_changes(self._path, {CONFIG_PATHS[k]: v for k, v in changed.items()})
            except (OSError, ValueError) as err:  # nothing applied: memory matches the file
                raise BridgeError(f"Could not save the settings to {self._path}: {err}") from None
            self._seen_mtime = self._mtime()  # our own write is not an outside edit
            log.info("saved settings %s to %s", sorted(changed), self._path)
        self._apply(new, changed)
        self.current = new
        return self.view()

    def _check_growth(self, new: Settings) -> None:
        """A higher floor starts instances now: refuse it (409) past max or memory."""
        extra = new.min_instances - len(self._pool.serving())
        if extra <= 0:
            return
        refused = self._autoscaler.growth_refused(extra, max_instances=new.max_instances)
        if refused is not None:
            raise Conflict(
                f"Cannot raise min_instances to {new.min_instances}: {refused}.",
                param="min_instances",
                code="pool_limit",
            )

    def _mtime(self) -> int | None:
        try:
            return self._path.stat().st_mtime_ns if self._path is not None else None
        except OSError:
            return None

    async def reload_if_changed(self) -> None:
        """Apply the run-time settings of config.jsonc when someone edits the file.

        Other keys need a restart. A broken edit is logged and the running values stay.
        """
        mtime = self._mtime()
        if mtime is None or mtime == self._seen_mtime or self._path is None:
            return
        self._seen_mtime = mtime
        try:
            new = _settings_of(load_config(self._path))
        except ConfigError as err:
            log.error(
                "config.jsonc changed but is invalid; keeping the running settings:\n%s",
                err.message,
            )
            return
        changed = {k: v for k, v in new.model_dump().items() if getattr(self.current, k) != v}
        if changed:
            self._apply(new, changed)
            self.current = new
            log.info("applied %s from the edited %s", sorted(changed), self._path)

    def _apply(self, new: Settings, changed: dict[str, Any]) -> None:
        pool = self._pool
        if "strategy" in changed:
            pool.dispatcher.set_strategy(new.strategy)
        if "max_concurrent_per_instance" in changed:
            pool.max_concurrent = new.max_concurrent_per_instance
            for inst in pool.instances.values():
                if inst.spec.max_concurrent is None:  # an instance's own setting wins
                    inst.set_max_concurrent(new.max_concurrent_per_instance)
        judge_keys = {
            "min_instances",
            "max_instances",
            "scale_up_threshold",
            "scale_down_threshold",
            "cooldown_s",
            "max_concurrent_per_instance",
        }
        self._autoscaler.configure(
            enabled=new.autoscale_enabled, **{k: v for k, v in changed.items() if k in judge_keys}
        )
        if {"min_instances", "max_instances"} & changed.keys():
            pool.target = min(max(pool.target, new.min_instances), new.max_instances)
            pool.ensure_size()
        pool.dispatcher.wake()


def _settings_of(config: BridgeConfig) -> Settings:
    return Settings(
        strategy=config.balancer.strategy,
        min_instances=config.pool.min_instances,
        max_instances=config.pool.max_instances,
        max_concurrent_per_instance=config.pool.max_concurrent_per_instance,
        autoscale_enabled=config.autoscale.enabled,
        scale_up_threshold=config.autoscale.scale_up_threshold,
        scale_down_threshold=config.autoscale.scale_down_threshold,
        cooldown_s=config.autoscale.cooldown_s,
    )

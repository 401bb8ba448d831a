"""Autoscaler: measure the pool, ask the pure judge, act by one instance at a time."""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Any

import psutil

from ..config import BridgeConfig
from ..pool.instance_state import State
from ..util.event_bus import EventBus
from .judge import DEFAULT_INSTANCE_MEMORY_MB, Judge, LoadSample, ScaleDecision, ScaleSettings
from .measure import container_memory_limit_mb, process_tree_stats
from .paced_capacity import fresh_rate_per_s, paced_capacity_per_s

if TYPE_CHECKING:
    from ..browser.driver import BrowserDriver
    from ..pool.pool import Pool

log = logging.getLogger(__name__)


class Autoscaler:
    """Keeps the pool between min and max by load; every decision is logged with its reason."""

    def __init__(
        self,
        config: BridgeConfig,
        pool: Pool,
        driver: BrowserDriver,
        bus: EventBus,
    ) -> None:
        self.enabled = config.autoscale.enabled
        self._pool = pool
        self._driver = driver
        self._bus = bus
        settings = ScaleSettings.from_config(config.pool, config.autoscale)
        limit = container_memory_limit_mb()
        if limit is not None and limit * 0.8 < settings.max_memory_mb:
            # Inside a container the cgroup limit is the real budget; keep 20% for the rest.
            settings = dataclasses.replace(settings, max_memory_mb=limit * 0.8)
        self.judge = Judge(settings)
        self.last_decision: dict[str, Any] | None = None
        self._last_at = time.monotonic()
        self._last_arrivals = 0
        self._proc_cache: dict[int, psutil.Process] = {}

    def configure(self, **changes: Any) -> None:
        """Apply new min/max/thresholds at run time."""
        if "enabled" in changes:
            self.enabled = bool(changes.pop("enabled"))
        if changes:
            self.judge = self.judge.with_settings(**changes)

    def measure(self) -> LoadSample:
        pool = self._pool
        now = time.monotonic()
        arrivals = pool.dispatcher.arrivals
        rate = (arrivals - self._last_arrivals) / max(1e-3, now - self._last_at)
        self._last_at, self._last_arrivals = now, arrivals
        serving = pool.serving()
        usable = [i for i in serving if i.usable]
        rss, cpu, per_instance = self._memory()
        wait = pool.dispatcher.queue_wait.value or 0.0
        pacing = pool.config.pacing
        return LoadSample(
            at=now,
            instances=len(serving),
            starting=sum(1 for i in serving if i.base_state is State.STARTING),
            in_flight=sum(i.in_flight for i in serving),
            capacity=sum(i.max_concurrent for i in usable),
            queue_depth=len(pool.dispatcher.queue),
            p95_wait_s=wait,
            arrival_rate_per_s=rate,
            mean_service_s=pool.dispatcher.service_time.value,
            cpu_percent=cpu,
            browser_memory_mb=rss,
            memory_per_instance_mb=per_instance,
            # Penalised identities are in `serving` and count at their interval: the
            # pool never grows to make up for a penalty (paced_capacity.py).
            paced_rate_per_s=fresh_rate_per_s(pacing),
            paced_capacity_per_s=paced_capacity_per_s((i.pace.pace for i in serving), pacing),
        )

    def _memory(self) -> tuple[float, float, float | None]:
        """Browser RSS (MB), CPU %, and RSS per local context (None before the first)."""
        rss, cpu = process_tree_stats(self._driver.browser_pids(), self._proc_cache)
        contexts = sum(h.contexts for h in self._driver.hosts if not h.lost and h.pid)
        return rss, cpu, (rss / contexts if contexts else None)

    def growth_refused(self, extra: int = 1, max_instances: int | None = None) -> str | None:
        """Why the pool may not grow by `extra` instances now (max or memory), else None."""
        s = self.judge.settings
        ceiling = s.max_instances if max_instances is None else max_instances
        serving = len(self._pool.serving())
        if serving + extra > ceiling:
            return f"the pool has {serving} instances and pool.max_instances is {ceiling}"
        rss, _, per_instance = self._memory()
        per = DEFAULT_INSTANCE_MEMORY_MB if per_instance is None else per_instance
        if rss + extra * per > s.max_memory_mb:
            return (
                f"browsers use {rss:.0f} MB, {extra} more instance(s) need ~{extra * per:.0f} MB,"
                f" over the memory budget of {s.max_memory_mb:.0f} MB (autoscale.max_memory_mb)"
            )
        return None

    async def step(self) -> None:
        if not self.enabled:
            return
        decision = self.judge.decide(self.measure())
        self._record(decision)
        if decision.action == "up":
            self._pool.target = decision.current + 1
            self._pool.ensure_size()
        elif decision.action == "down":
            self._shrink(decision)

    def _shrink(self, decision: ScaleDecision) -> None:
        idle = [i for i in self._pool.serving() if i.usable and i.in_flight == 0]
        if not idle:
            return
        victim = max(idle, key=lambda i: i.seq)  # newest first: oldest sessions are warm
        self._pool.target = decision.current - 1
        self._pool.retire(victim, f"autoscaler: {decision.reason}")

    def _record(self, decision: ScaleDecision) -> None:
        view = {
            "action": decision.action,
            "current": decision.current,
            "target": decision.target,
            "needed": decision.needed,
            "reason": decision.reason,
            "at": time.time(),
        }
        changed = (
            self.last_decision is None
            or decision.action != "hold"
            or self.last_decision["reason"] != decision.reason
        )
        self.last_decision = view
        if decision.action != "hold":
            log.info("autoscaler %s: %s", decision.action, decision.reason)
            self._bus.publish("scale", view)
        elif changed:
            log.debug("autoscaler hold: %s", decision.reason)

    def view(self) -> dict[str, Any]:
        s = self.judge.settings
        return {
            "enabled": self.enabled,
            "last_decision": self.last_decision,
            "min_instances": s.min_instances,
            "max_instances": s.max_instances,
            "memory_budget_mb": round(s.max_memory_mb),
        }

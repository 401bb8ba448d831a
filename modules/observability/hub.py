"""Wires the event bus and request outcomes to metrics, history, alerts and the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry

from ..config import BridgeConfig
from ..util.event_bus import Event, EventBus
from .alert_kinds import PoolFacts
from .alerts import AlertEngine
from .degradation import Degraded
from .history import HistoryStore
from .metrics import BridgeMetrics, PaceReading
from .model_watch import ModelWatch, degradation_query
from .quantiles import percentile
from .records import InstanceEvent, RequestRecord
from .webhook import WebhookNotifier

if TYPE_CHECKING:
    from ..pool.instance import Instance
    from ..pool.pool import Pool

log = logging.getLogger(__name__)
_RATE_WINDOW_S = 60.0


class ObservabilityHub:
    """One place every outcome goes through; writes never block the request path."""

    def __init__(self, config: BridgeConfig, folder: Path, bus: EventBus, pool: Pool) -> None:
        self._config = config
        self._bus = bus
        self._pool = pool
        self.registry = CollectorRegistry()
        self.metrics = BridgeMetrics(self.registry)
        store = config.storage
        self.history = HistoryStore(
            folder,
            retention_days=store.retention_days,
            max_rows=store.max_rows,
            enabled=store.enabled,
        )
        self.alerts = AlertEngine(config.alerts.rules)
        self.models = ModelWatch(self.history)
        self._degraded: dict[str, tuple[Degraded, ...]] = {}
        hook = config.alerts
        self.webhook = (
            WebhookNotifier(
                hook.webhook_url, timeout_s=hook.webhook_timeout_s, retries=hook.webhook_retries
            )
            if hook.webhook_url
            else None
        )
        self._recent: deque[RequestRecord] = deque(maxlen=5000)
        self.arrivals = 0
        self.paused_s: Callable[[], float] = lambda: 0.0  # the coordinator wires its pause
        bus.listen(self._on_event)
        pool.on_restart = self.metrics.inc_restart
        pool.on_retry = self.metrics.inc_retry
        pool.on_upstream_error = self.metrics.inc_upstream_error

    async def __aenter__(self) -> ObservabilityHub:
        self.history.start()
        if self.webhook is not None:
            self.webhook.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.webhook is not None:
            await self.webhook.close()
        self.history.close()

    # --- inputs --------------------------------------------------------------
    def record_request(self, rec: RequestRecord) -> asyncio.Future[None] | None:
        """Count and store one finished request; the future is done once its row is durable."""
        self.metrics.observe_request(rec)
        if rec.queue_wait_s:
            self.metrics.observe_queue_wait(rec.queue_wait_s)
        durable: asyncio.Future[None] | None = None
        with contextlib.suppress(RuntimeError):  # no loop (a unit test): nobody awaits
            durable = asyncio.get_running_loop().create_future()
        notify = None if durable is None else _resolver(durable)
        if not self.history.record_request(rec, notify):
            durable = None
        self.alerts.observe(rec)
        self._recent.append(rec)
        return durable

    def _on_event(self, event: Event) -> None:
        data = event.data
        if event.name == "instance":
            self.history.record_event(
                InstanceEvent(
                    ts=event.at,
                    kind="state",
                    instance_id=data["id"],
                    old_state=data["old_state"],
                    new_state=data["new_state"],
                    reason=data["reason"],
                )
            )
        elif event.name == "scale":
            self.metrics.inc_scale(data["action"])
            self.history.record_event(
                InstanceEvent(ts=event.at, kind="scale", reason=data["reason"], data=data)
            )

    # --- outputs -------------------------------------------------------------
    def update_gauges(self) -> None:
        pool = self._pool
        self.metrics.set_instances(pool.counts())
        self.metrics.set_queue_depth(len(pool.dispatcher.queue))
        self.metrics.set_paces([_reading(i) for i in pool.serving()])
        self.metrics.paced_capacity.set(pool.paced_capacity_per_hour())
        self.metrics.paused.set(self.paused_s())

    def rates(self) -> dict[str, Any]:
        """Requests/s, error rate and TTFT percentiles over the last minute."""
        cutoff = time.time() - _RATE_WINDOW_S
        recent = [r for r in self._recent if r.ts >= cutoff]
        ttfts = [r.ttft_s for r in recent if r.ttft_s is not None]
        errors = sum(1 for r in recent if r.is_failure)
        return {
            "requests_per_s": round(len(recent) / _RATE_WINDOW_S, 3),
            "error_rate": round(errors / len(recent), 4) if recent else 0.0,
            "ttft_p50_s": _r(percentile(ttfts, 0.5)),
            "ttft_p95_s": _r(percentile(ttfts, 0.95)),
            "window_s": _RATE_WINDOW_S,
        }

    def pool_facts(self) -> PoolFacts:
        pool = self._pool
        attention = [i.id for i in pool.instances.values() if i.state.value == "needs_attention"]
        serving = pool.serving()
        at_max = len(serving) >= self._config.pool.max_instances
        return PoolFacts(
            usable_instances=pool.usable_count(),
            needs_attention=attention,
            at_max=at_max,
            queue_depth=len(pool.dispatcher.queue),
            expired_logins=[i.id for i in pool.instances.values() if i.login_expired],
            degraded=self._degraded,
            identities=len(serving),
            penalised={i.id: i.pace.penalty_left_s() for i in serving if i.pace.penalised()},
        )

    async def _judge_models(self) -> None:
        """Read the history for every degradation rule (the engine itself stays pure)."""
        found: dict[str, tuple[Degraded, ...]] = {}
        for rule in self._config.alerts.rules:
            if rule.kind != "degradation":
                continue
            try:
                found[rule.name] = tuple(await self.models.degraded(degradation_query(rule)))
            except sqlite3.Error as err:  # no evidence this round; the other rules still run
                log.warning("alert %s: cannot read the history: %s", rule.name, err)
                found[rule.name] = ()
        self._degraded = found

    def models_named(self, rule: str) -> list[str]:
        """The models a firing degradation rule names now (others: none)."""
        return [d.model for d in self._degraded.get(rule, ())]

    def active_alerts(self) -> list[dict[str, Any]]:
        """Firing alerts, each with the models it names (for the GUI's by-model table)."""
        return [{**a, "models": self.models_named(a["rule"])} for a in self.alerts.active()]

    async def evaluate_alerts(self) -> None:
        await self._judge_models()
        for transition in self.alerts.evaluate(self.pool_facts()):
            payload = {
                **transition.to_dict(),
                "at": time.time(),
                "models": self.models_named(transition.rule)
                if transition.state == "firing"
                else [],
            }
            self.history.record_alert(
                transition.rule, transition.state, transition.value, transition.message
            )
            self.history.record_event(
                InstanceEvent(
                    ts=payload["at"], kind="alert", reason=transition.message, data=payload
                )
            )
            self._bus.publish("alert", payload)
            if self.webhook is not None:
                self.webhook.notify(payload)

    def exposition(self) -> bytes:
        self.update_gauges()
        return self.metrics.exposition()


def _reading(inst: Instance) -> PaceReading:
    pace = inst.pace
    return PaceReading(
        inst.id, pace.wait_s(), pace.penalty_left_s(), pace.state.streak, pace.state.refusals
    )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _resolver(future: asyncio.Future[None]) -> Callable[[], None]:
    """A callback for the writer thread that completes `future` on its own loop."""
    loop = future.get_loop()

    def done() -> None:
        if not future.done():
            future.set_result(None)

    def notify() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(done)

    return notify

"""The coordinator's read side: what the HTTP layer may ask about the pool, models and
history, so no handler reaches into the pool, catalog or observability objects."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ..observability.history_export import ExportFormat, StatsTable, export_requests, stats_csv

if TYPE_CHECKING:
    from ..browser.driver import BrowserDriver
    from ..observability.history import StatusFilter
    from ..observability.hub import ObservabilityHub
    from ..observability.log_buffer import LogFilter
    from ..pool.pool import Pool
    from ..scaling.autoscaler import Autoscaler
    from ..service.model_catalog import ModelCatalog
    from ..upstream.models import ArenaModel
    from .console_log import ConsoleLog
    from .pause_control import PauseControl


class CoordinatorViews:
    """Read-only views over what the coordinator owns (mixed into Coordinator)."""

    pool: Pool
    obs: ObservabilityHub
    logs_ring: ConsoleLog
    catalog: ModelCatalog
    driver: BrowserDriver
    autoscaler: Autoscaler
    pause: PauseControl
    accepting: bool
    started_at: float

    def status(self) -> dict[str, Any]:
        instances = self.pool.instances.values()
        return {
            "pool": {
                "total": len(self.pool.active()),
                "target": self.pool.target,
                "by_state": {k: v for k, v in self.pool.counts().items() if v},
                "usable": self.pool.usable_count(),
                "in_flight": sum(i.in_flight for i in instances),
                "capacity": sum(i.max_concurrent for i in instances if i.usable),
                "restarts": self.pool.restarts,
            },
            "queue": {
                "depth": len(self.pool.dispatcher.queue),
                "max_size": self.pool.dispatcher.queue.max_size,
            },
            "pacing": self.pacing_view(),
            "pause": self.pause.view(),
            "strategy": self.pool.dispatcher.strategy.name,
            "autoscaler": self.autoscaler.view(),
            "rates": self.obs.rates(),
            "browsers": [
                {"label": h.label, "pid": h.pid, "remote": h.remote, "contexts": h.contexts}
                for h in self.driver.hosts
                if not h.lost
            ],
            "accepting": self.accepting,
            "uptime_s": round(time.time() - self.started_at, 1),
        }

    def pacing_view(self) -> dict[str, Any]:
        """Paced capacity in requests per hour (usable identities the site is not holding)."""
        serving = self.pool.serving()
        enabled = self.pool.config.pacing.enabled
        capacity = self.pool.paced_capacity_per_hour()
        earliest = self.pool.dispatcher.paced_wait_s(1)
        return {
            "enabled": enabled,
            "capacity_per_hour": round(capacity, 1) if enabled else None,
            "identities": len(serving),
            "penalised": sum(1 for i in serving if i.pace.penalised()),
            "next_slot_s": None if earliest is None else round(earliest, 3),
        }

    def instances(self) -> list[dict[str, Any]]:
        return [i.describe() for i in sorted(self.pool.instances.values(), key=lambda i: i.seq)]

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether requests can be served now, and the /ready body."""
        usable = self.pool.usable_count()
        ok = usable > 0 and self.accepting
        body = {
            "status": "ready" if ok else "unavailable",
            "usable_instances": usable,
            "accepting": self.accepting,
        }
        return ok, body

    def models(self) -> list[ArenaModel]:
        return self.catalog.list()

    async def history(
        self,
        *,
        since: float | None,
        model: str | None,
        status: StatusFilter,
        limit: int,
    ) -> list[dict[str, Any]]:
        return await self.obs.history.requests(since=since, model=model, status=status, limit=limit)

    async def stats(self, window_s: float) -> dict[str, Any]:
        return await self.obs.history.stats(window_s)

    def export_history(
        self,
        fmt: ExportFormat,
        *,
        since: float | None,
        until: float | None,
        status: StatusFilter,
        model: str | None,
    ) -> AsyncIterator[str]:
        """The matching requests as CSV or JSON Lines text, streamed a page at a time."""
        history = self.obs.history
        return export_requests(history, fmt, since=since, until=until, status=status, model=model)

    async def stats_csv(self, window_s: float, table: StatsTable) -> str:
        """One table of the window's stats as CSV."""
        return stats_csv(await self.obs.history.stats(window_s), table)

    async def alerts(self) -> dict[str, Any]:
        """Firing alerts, their history and every rule with its state."""
        return {
            "active": self.obs.active_alerts(),
            "history": await self.obs.history.alerts(),
            "rules": self.obs.alerts.rules_view(),
        }

    def logs(self, wanted: LogFilter, limit: int) -> dict[str, Any]:
        """The newest matching log lines (oldest first) and what the filters can offer."""
        ring = self.logs_ring.buffer
        return {
            "logs": [e.to_dict() for e in ring.query(wanted, limit)],
            "components": ring.components(),
            "last_seq": ring.last_seq,
            "capacity": ring.capacity,
        }

    def log_lines(self, wanted: LogFilter) -> list[dict[str, Any]]:
        """Every matching line the ring holds, oldest first (for a download)."""
        ring = self.logs_ring.buffer
        return [e.to_dict() for e in ring.query(wanted, ring.capacity)]

    def metrics_text(self) -> bytes:
        """The Prometheus exposition."""
        return self.obs.exposition()

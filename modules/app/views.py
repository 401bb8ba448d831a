"""The coordinator's read side: what the HTTP layer may ask about the pool, models and
history, so no handler reaches into the pool, catalog or observability objects."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..browser.driver import BrowserDriver
    from ..observability.history import StatusFilter
    from ..observability.hub import ObservabilityHub
    from ..pool.pool import Pool
    from ..scaling.autoscaler import Autoscaler
    from ..service.model_catalog import ModelCatalog
    from ..upstream.models import ArenaModel


class CoordinatorViews:
    """Read-only views over what the coordinator owns (mixed into Coordinator)."""

    pool: Pool
    obs: ObservabilityHub
    catalog: ModelCatalog
    driver: BrowserDriver
    autoscaler: Autoscaler
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

    async def alerts(self) -> dict[str, Any]:
        """Firing alerts, their history and every rule with its state."""
        return {
            "active": self.obs.active_alerts(),
            "history": await self.obs.history.alerts(),
            "rules": self.obs.alerts.rules_view(),
        }

    def metrics_text(self) -> bytes:
        """The Prometheus exposition."""
        return self.obs.exposition()

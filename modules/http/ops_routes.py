"""Liveness, readiness, Prometheus metrics and the live event feed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sse_starlette import EventSourceResponse

from ..errors import TooManyFeeds
from .deps import CoordinatorDep, require_admin

router = APIRouter()


@router.get("/health")
async def health(coord: CoordinatorDep) -> dict[str, Any]:
    return {"status": "ok", "uptime_s": round(coord.status()["uptime_s"], 1)}


@router.get("/ready")
async def ready(coord: CoordinatorDep) -> JSONResponse:
    ok, body = coord.readiness()
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/metrics", dependencies=[Depends(require_admin)])
async def metrics(coord: CoordinatorDep) -> Response:
    return Response(coord.metrics_text(), media_type=CONTENT_TYPE_LATEST)


@router.get("/api/events", dependencies=[Depends(require_admin)])
async def events(coord: CoordinatorDep) -> EventSourceResponse:
    limit = coord.config.server.max_event_subscribers
    if coord.bus.subscriber_count >= limit:  # each feed costs a summary per second
        raise TooManyFeeds(
            f"{limit} live feeds are open already (server.max_event_subscribers).",
            retry_after_s=15,
        )
    queue = coord.bus.subscribe()

    async def stream() -> AsyncIterator[dict[str, str]]:
        try:
            yield {
                "event": "summary",
                "data": json.dumps({**coord.status(), "instances": coord.instances()}),
            }
            while True:
                event = await queue.get()
                data = event.encoded or json.dumps(event.data, default=str)
                yield {"event": event.name, "data": data}
        finally:
            coord.bus.unsubscribe(queue)

    return EventSourceResponse(stream(), ping=15)

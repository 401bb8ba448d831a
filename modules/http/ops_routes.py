"""Liveness, readiness, Prometheus metrics and the live event feed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sse_starlette import EventSourceResponse

from ..app.coordinator import Coordinator

router = APIRouter()


def require_admin(request: Request) -> None:
    request.app.state.guard.check_admin(request)


@router.get("/health")
async def health(request: Request) -> dict[str, Any]:
    coord: Coordinator = request.app.state.coordinator
    return {"status": "ok", "uptime_s": round(coord.status()["uptime_s"], 1)}


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    coord: Coordinator = request.app.state.coordinator
    usable = coord.pool.usable_count()
    ok = usable > 0 and coord.accepting
    body = {
        "status": "ready" if ok else "unavailable",
        "usable_instances": usable,
        "accepting": coord.accepting,
    }
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/metrics", dependencies=[Depends(require_admin)])
async def metrics(request: Request) -> Response:
    coord: Coordinator = request.app.state.coordinator
    return Response(coord.obs.exposition(), media_type=CONTENT_TYPE_LATEST)


@router.get("/api/events", dependencies=[Depends(require_admin)])
async def events(request: Request) -> EventSourceResponse:
    coord: Coordinator = request.app.state.coordinator
    queue = coord.bus.subscribe()

    async def stream() -> AsyncIterator[dict[str, str]]:
        try:
            yield {
                "event": "summary",
                "data": json.dumps({**coord.status(), "instances": coord.instances()}),
            }
            while True:
                event = await queue.get()
                yield {"event": event.name, "data": json.dumps(event.data, default=str)}
        finally:
            coord.bus.unsubscribe(queue)

    return EventSourceResponse(stream(), ping=15)

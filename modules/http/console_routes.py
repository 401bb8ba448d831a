"""The console's reading routes under /api: log lines, and downloads of logs, request
history and stats (see docs/API.md)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from ..errors import BadRequest
from ..observability.history_export import MEDIA_TYPES, ExportFormat, StatsTable, jsonl_text
from ..observability.log_buffer import DEFAULT_LIMIT, MAX_LIMIT, LogFilter
from .deps import CoordinatorDep, require_admin
from .params import Status, Text, Time, Window, status_filter, window_seconds

router = APIRouter(prefix="/api", dependencies=[Depends(require_admin)])


def _log_filter(
    level: str | None,
    component: str | None,
    instance: str | None,
    text: str | None,
    since: float | None,
    after: int | None = None,
) -> LogFilter:
    try:
        return LogFilter(
            level=level or None,
            component=component or None,
            instance=instance or None,
            text=text or None,
            since=since,
            after_seq=after,
        )
    except ValueError as err:
        raise BadRequest(str(err), param="level") from None


def _attachment(name: str, ext: str) -> dict[str, str]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return {"Content-Disposition": f'attachment; filename="{name}-{stamp}.{ext}"'}


@router.get("/logs")
async def logs(
    coord: CoordinatorDep,
    level: Text = None,
    component: Text = None,
    instance: Text = None,
    text: Text = None,
    since: Time = None,
    after: Annotated[int | None, Query(ge=0)] = None,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    wanted = _log_filter(level, component, instance, text, since, after)
    return coord.logs(wanted, limit)


@router.get("/logs/export")
async def logs_export(
    coord: CoordinatorDep,
    level: Text = None,
    component: Text = None,
    instance: Text = None,
    text: Text = None,
    since: Time = None,
) -> Response:
    lines = coord.log_lines(_log_filter(level, component, instance, text, since))
    return Response(
        jsonl_text(lines),
        media_type=MEDIA_TYPES["jsonl"],
        headers=_attachment("bridge-logs", "jsonl"),
    )


@router.get("/history/export")
async def history_export(
    coord: CoordinatorDep,
    format: Literal["csv", "jsonl"] = "csv",
    since: Time = None,
    until: Time = None,
    status: Status = None,
    model: Text = None,
) -> StreamingResponse:
    fmt: ExportFormat = format
    chunks: AsyncIterator[str] = coord.export_history(
        fmt, since=since, until=until, status=status_filter(status), model=model or None
    )
    return StreamingResponse(
        chunks, media_type=MEDIA_TYPES[fmt], headers=_attachment("bridge-requests", fmt)
    )


@router.get("/stats/export")
async def stats_export(
    coord: CoordinatorDep,
    window: Window = "1h",
    table: Literal["series", "model", "instance"] = "series",
) -> Response:
    which: StatsTable = table
    text = await coord.stats_csv(window_seconds(window), which)
    return Response(
        text, media_type=MEDIA_TYPES["csv"], headers=_attachment(f"bridge-stats-{window}", "csv")
    )

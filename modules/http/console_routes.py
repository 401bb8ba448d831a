"""The console's reading routes under /api: log lines, and downloads of logs, request
history and stats (see docs/API.md)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from ..observability.history_export import MEDIA_TYPES, ExportFormat, StatsTable, jsonl_text
from ..observability.log_buffer import DEFAULT_LIMIT, MAX_LIMIT
from .deps import CoordinatorDep, require_admin
from .params import LogQueryDep, Status, Text, Time, Window, status_filter, window_seconds

router = APIRouter(prefix="/api", dependencies=[Depends(require_admin)])


def _attachment(name: str, ext: str) -> dict[str, str]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return {"Content-Disposition": f'attachment; filename="{name}-{stamp}.{ext}"'}


@dataclass(frozen=True, slots=True)
class LogPage:
    """Which page of matching lines /logs returns: after a sequence number, at most `limit`."""

    after: Annotated[int | None, Query(ge=0)] = None
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = DEFAULT_LIMIT


@router.get("/logs")
async def logs(
    coord: CoordinatorDep, query: LogQueryDep, page: Annotated[LogPage, Depends()]
) -> dict[str, Any]:
    return coord.logs(query.log_filter(page.after), page.limit)


@router.get("/logs/export")
async def logs_export(coord: CoordinatorDep, query: LogQueryDep) -> Response:
    lines = coord.log_lines(query.log_filter())
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

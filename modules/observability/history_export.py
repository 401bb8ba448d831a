"""Request history as a download: CSV or JSON Lines, streamed page by page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal, assert_never

from .history import PAGE_ROWS, HistoryStore, StatusFilter
from .history_sql import REQUEST_COLUMNS

ExportFormat = Literal["csv", "jsonl"]
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


async def export_requests(
    store: HistoryStore,
    fmt: ExportFormat,
    *,
    since: float | None = None,
    until: float | None = None,
    status: StatusFilter = None,
    model: str | None = None,
    page_rows: int = PAGE_ROWS,
) -> AsyncIterator[str]:
    """The matching requests, oldest first, as text chunks of one page each."""
    if fmt == "csv":
        yield csv_text([REQUEST_COLUMNS])
    async for page in store.request_pages(since, until, status, page_rows, model):
        if fmt == "csv":
            yield csv_text([[row[c] for c in REQUEST_COLUMNS] for row in page])
        else:
            yield jsonl_text(page)


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """Rows as CSV lines (RFC 4180 quoting, \\r\\n line ends; None is an empty cell)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def jsonl_text(rows: Sequence[dict[str, Any]]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


StatsTable = Literal["series", "model", "instance"]
STATS_TABLES: tuple[StatsTable, ...] = ("series", "model", "instance")
_SERIES_COLUMNS = ("t", "requests", "errors", "ttft_p50", "ttft_p95", "duration_p95")
_SUMMARY_COLUMNS = (
    "total",
    "errors",
    "error_rate",
    "ttft_p50",
    "ttft_p95",
    "duration_p50",
    "duration_p95",
    "prompt_tokens",
    "completion_tokens",
)


def stats_csv(stats: dict[str, Any], table: StatsTable) -> str:
    """One table of an /api/stats answer as CSV: the time series, or per model or instance."""
    match table:
        case "series":
            rows = [[point[c] for c in _SERIES_COLUMNS] for point in stats["series"]]
            return csv_text([_SERIES_COLUMNS, *rows])
        case "model" | "instance":
            groups: dict[str, dict[str, Any]] = stats[f"per_{table}"]
            rows = [[name, *(g[c] for c in _SUMMARY_COLUMNS)] for name, g in groups.items()]
            return csv_text([(table, *_SUMMARY_COLUMNS), *rows])
        case _:
            assert_never(table)

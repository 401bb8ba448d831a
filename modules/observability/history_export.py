"""Request history as a download: CSV or JSON Lines, streamed page by page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

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
    page_rows: int = PAGE_ROWS,
) -> AsyncIterator[str]:
    """The matching requests, oldest first, as text chunks of one page each."""
    if fmt == "csv":
        yield csv_text([REQUEST_COLUMNS])
    async for page in store.request_pages(since, until, status, page_rows):
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

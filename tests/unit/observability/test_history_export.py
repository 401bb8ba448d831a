"""History export: every matching row once, oldest first, paged; valid CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from modules.observability.history import HistoryStore
from modules.observability.history_export import export_requests, stats_csv
from modules.observability.history_sql import REQUEST_COLUMNS
from tests.unit.observability.test_history import NOW, _rec, _store


async def _filled(tmp_path: Path) -> HistoryStore:
    store = _store(tmp_path).start()
    for i in range(57):
        # Groups of rows share a timestamp, so pages must break ties by id.
        status = 500 if i % 10 == 3 else 200
        kind = "stream_cut" if i % 10 == 7 else None
        store.record_request(_rec(i, ts=NOW + i // 4, status=status, error_kind=kind))
    assert store.flush()
    return store


async def _text(store: HistoryStore, fmt: str, **filters: object) -> str:
    chunks = [c async for c in export_requests(store, fmt, page_rows=5, **filters)]  # type: ignore[arg-type]
    return "".join(chunks)


async def test_jsonl_has_every_row_once_oldest_first_like_the_api(tmp_path: Path) -> None:
    store = await _filled(tmp_path)
    rows = [json.loads(line) for line in (await _text(store, "jsonl")).splitlines()]
    assert [r["request_id"] for r in rows] == [f"r{i}" for i in range(57)]
    api = await store.requests(limit=100)
    assert rows == list(reversed(api))  # the same rows /api/history reports
    store.close()


async def test_csv_is_valid_and_filters_apply(tmp_path: Path) -> None:
    store = await _filled(tmp_path)
    text = await _text(store, "csv", since=NOW + 2, until=NOW + 10, status="error")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == list(REQUEST_COLUMNS)
    ids = [row[1] for row in table[1:]]
    expected = [f"r{i}" for i in range(8, 44) if i % 10 in (3, 7)]
    assert ids == expected
    only_500 = await _text(store, "jsonl", status=500)
    assert [json.loads(x)["status"] for x in only_500.splitlines()] == [500] * 6
    store.close()


async def test_an_empty_or_disabled_store_exports_just_the_header(tmp_path: Path) -> None:
    store = _store(tmp_path, enabled=False)
    assert await _text(store, "csv") == ",".join(REQUEST_COLUMNS) + "\r\n"
    assert await _text(store, "jsonl") == ""


async def test_stats_tables_as_csv(tmp_path: Path) -> None:
    store = await _filled(tmp_path)
    stats = await store.stats(3600, now=NOW + 60)
    series = list(csv.reader(io.StringIO(stats_csv(stats, "series"))))
    assert series[0][:3] == ["t", "requests", "errors"] and len(series) == 61
    assert sum(int(r[1]) for r in series[1:]) == 57
    models = list(csv.reader(io.StringIO(stats_csv(stats, "model"))))
    assert models[0][:3] == ["model", "total", "errors"]
    assert models[1][:3] == ["m1", "57", str(stats["per_model"]["m1"]["errors"])]
    instances = list(csv.reader(io.StringIO(stats_csv(stats, "instance"))))
    assert [r[0] for r in instances] == ["instance", "i1"]
    store.close()

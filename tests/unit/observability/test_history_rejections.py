"""Rejected requests in the history: error type, user agent, endpoint, 4xx filter, old files."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from modules.observability.history import FILE_NAME, HistoryStore
from modules.observability.records import RequestRecord

NOW = 1_700_000_000.0
BASE = RequestRecord(
    ts=NOW,
    request_id="r",
    model="m",
    instance_id=None,
    strategy="",
    status=200,
    error_kind=None,
    ttft_s=None,
    duration_s=0.01,
)


def _store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "data", retention_days=7, max_rows=1000, clock=lambda: NOW)


async def test_client_errors_keep_type_agent_and_endpoint(tmp_path: Path) -> None:
    rows = [
        dataclasses.replace(BASE, request_id="ok"),
        dataclasses.replace(
            BASE,
            request_id="bad",
            status=400,
            error_kind="bad_request",
            error_type="invalid_request_error",
            user_agent="OpenAI/Python 2.0",
            endpoint="responses",
        ),
        dataclasses.replace(BASE, request_id="gone", status=404, error_kind="not_found"),
        dataclasses.replace(BASE, request_id="down", status=503, error_kind="queue_full"),
    ]
    with _store(tmp_path) as store:
        for row in rows:
            store.record_request(row)
        assert store.flush()
        client = await store.requests(status="4xx")
        server = await store.requests(status="5xx")
    assert sorted(r["request_id"] for r in client) == ["bad", "gone"]
    assert [r["request_id"] for r in server] == ["down"]
    bad = next(r for r in client if r["request_id"] == "bad")
    assert bad["error_type"] == "invalid_request_error"
    assert (bad["user_agent"], bad["endpoint"]) == ("OpenAI/Python 2.0", "responses")


async def test_a_file_from_an_older_version_gains_the_columns(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.execute(
        "CREATE TABLE requests (id INTEGER PRIMARY KEY, ts REAL NOT NULL, request_id TEXT NOT NULL, "
        "model TEXT NOT NULL, instance_id TEXT, strategy TEXT NOT NULL, status INTEGER NOT NULL, "
        "error_kind TEXT, ttft_s REAL, duration_s REAL NOT NULL, prompt_tokens INTEGER NOT NULL "
        "DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL "
        "DEFAULT 1, queue_wait_s REAL NOT NULL DEFAULT 0, stream INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute(
        "INSERT INTO requests (ts, request_id, model, strategy, status, duration_s) "
        "VALUES (?, 'old', 'm', '', 200, 1)",
        (NOW,),
    )
    conn.commit()
    conn.close()
    with _store(tmp_path) as store:
        store.record_request(dataclasses.replace(BASE, request_id="new", user_agent="curl/8"))
        assert store.flush()
        rows = {r["request_id"]: r for r in await store.requests()}
    assert rows["old"]["user_agent"] == "" and rows["old"]["error_type"] is None
    assert rows["new"]["user_agent"] == "curl/8"

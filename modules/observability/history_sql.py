"""SQLite schema and query text of the history store."""

from __future__ import annotations

from typing import Any

REQUEST_COLUMNS: tuple[str, ...] = (
    "ts",
    "request_id",
    "model",
    "instance_id",
    "strategy",
    "status",
    "error_kind",
    "ttft_s",
    "duration_s",
    "prompt_tokens",
    "completion_tokens",
    "attempts",
    "queue_wait_s",
    "stream",
    "error_type",
    "user_agent",
    "endpoint",
    "failovers",
    "error",
    "affinity",
    "mode",
)
# Columns added after the first release: (name, SQL type with default), for old files.
ADDED_REQUEST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("error_type", "TEXT"),
    ("user_agent", "TEXT NOT NULL DEFAULT ''"),
    ("endpoint", "TEXT NOT NULL DEFAULT ''"),
    ("failovers", "TEXT NOT NULL DEFAULT ''"),
    ("error", "TEXT"),
    ("affinity", "TEXT"),
    ("mode", "TEXT NOT NULL DEFAULT 'direct'"),
)
EVENT_COLUMNS: tuple[str, ...] = (
    "ts",
    "kind",
    "instance_id",
    "old_state",
    "new_state",
    "reason",
    "data",
)
ALERT_COLUMNS: tuple[str, ...] = ("ts", "rule", "state", "value", "message")

TABLES: dict[str, tuple[str, ...]] = {
    "requests": REQUEST_COLUMNS,
    "events": EVENT_COLUMNS,
    "alerts": ALERT_COLUMNS,
}

# `id` keeps insertion order for rows sharing a timestamp and makes deletes by rank cheap.
SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    request_id TEXT NOT NULL,
    model TEXT NOT NULL,
    instance_id TEXT,
    strategy TEXT NOT NULL,
    status INTEGER NOT NULL,
    error_kind TEXT,
    ttft_s REAL,
    duration_s REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 1,
    queue_wait_s REAL NOT NULL DEFAULT 0,
    stream INTEGER NOT NULL DEFAULT 0,
    error_type TEXT,
    user_agent TEXT NOT NULL DEFAULT '',
    endpoint TEXT NOT NULL DEFAULT '',
    failovers TEXT NOT NULL DEFAULT '',
    error TEXT,
    affinity TEXT,
    mode TEXT NOT NULL DEFAULT 'direct'
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts);
CREATE INDEX IF NOT EXISTS requests_model ON requests (model);
CREATE INDEX IF NOT EXISTS requests_status ON requests (status);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    instance_id TEXT,
    old_state TEXT,
    new_state TEXT,
    reason TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    rule TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
    value REAL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts);
"""


def add_missing_columns(conn: Any) -> None:
    """Bring a history file written by an older version up to the current columns."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(requests)")}
    for name, kind in ADDED_REQUEST_COLUMNS:
        if name not in present:
            conn.execute(f"ALTER TABLE requests ADD COLUMN {name} {kind}")


def insert_sql(table: str) -> str:
    """INSERT statement for one of TABLES, columns in dataclass order."""
    columns = TABLES[table]
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def request_filter(
    since: float | None,
    model: str | None,
    status: int | str | None,
    until: float | None = None,
    *,
    after: tuple[float, int] | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """WHERE clause and parameters for the request log filters.

    `after` is a (ts, id) cursor: only rows that sort after it (for paging by time).
    """
    clauses: list[str] = []
    params: list[Any] = []
    if after is not None:
        clauses.append("(ts, id) > (?, ?)")
        params.extend(after)
    if since is not None:
        clauses.append("ts >= ?")
        params.append(since)
    if until is not None:
        clauses.append("ts <= ?")
        params.append(until)
    if model is not None:
        clauses.append("model = ?")
        params.append(model)
    if status == "error":
        # Same rule as RequestRecord.is_error: a cut stream after a 200 is still an error.
        clauses.append("(status >= 400 OR error_kind IS NOT NULL)")
    elif status in ("4xx", "5xx"):
        low = 400 if status == "4xx" else 500
        clauses.append("status BETWEEN ? AND ?")
        params.extend((low, low + 99))
    elif status is not None:
        clauses.append("status = ?")
        params.append(int(status))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, tuple(params)


def prune_tables(conn: Any, cutoff: float, max_rows: int) -> dict[str, int]:
    """Delete rows older than `cutoff`, then the oldest beyond `max_rows`, per table."""
    removed: dict[str, int] = {}
    with conn:
        for table in TABLES:
            n = conn.execute(f"DELETE FROM {table} WHERE ts < ?", (cutoff,)).rowcount
            (count,) = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            if count > max_rows:
                n += conn.execute(
                    f"DELETE FROM {table} WHERE id IN "
                    f"(SELECT id FROM {table} ORDER BY ts, id LIMIT ?)",
                    (count - max_rows,),
                ).rowcount
            removed[table] = n
    return removed

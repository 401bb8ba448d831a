"""HistoryStore: batched background writes, filtered reads, stats, retention, durability."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from modules.observability.history import FILE_NAME, HistoryStore, parse_window
from modules.observability.quantiles import percentile
from modules.observability.records import InstanceEvent, RequestRecord

NOW = 1_700_000_000.0


def _rec(
    i: int,
    *,
    ts: float = NOW,
    model: str = "m1",
    status: int = 200,
    ttft: float | None = 0.5,
    duration: float = 1.0,
    instance: str | None = "i1",
    error_kind: str | None = None,
) -> RequestRecord:
    return RequestRecord(
        ts=ts,
        request_id=f"r{i}",
        model=model,
        instance_id=instance,
        strategy="least_busy",
        status=status,
        error_kind=error_kind,
        ttft_s=ttft,
        duration_s=duration,
        prompt_tokens=3,
        completion_tokens=5,
        attempts=1,
        queue_wait_s=0.0,
        stream=True,
    )


def _store(tmp_path: Path, **kw: object) -> HistoryStore:
    opts: dict = {"retention_days": 7, "max_rows": 1_000_000, "clock": lambda: NOW, **kw}
    return HistoryStore(tmp_path / "data", **opts)


def _count(path: Path, table: str = "requests") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


async def test_write_many_and_filter(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        for i in range(600):
            model = "m1" if i % 2 else "m2"
            status = 502 if i % 10 == 0 else 200
            store.record_request(
                _rec(
                    i,
                    ts=NOW - 600 + i,
                    model=model,
                    status=status,
                    error_kind="5xx" if status == 502 else None,
                )
            )
        # 200 with a cut stream is still an error for the log.
        store.record_request(_rec(999, ts=NOW + 1, error_kind="stream_cut"))
        assert store.flush(5)
        rows = await store.requests(limit=1000)
        assert len(rows) == 601
        assert rows[0]["request_id"] == "r999" and rows[0]["stream"] is True
        assert [r["ts"] for r in rows] == sorted((r["ts"] for r in rows), reverse=True)
        assert len(await store.requests(model="m2", limit=1000)) == 300
        assert len(await store.requests(status=502, limit=1000)) == 60
        errors = await store.requests(status="error", limit=1000)
        assert len(errors) == 61 and errors[0]["error_kind"] == "stream_cut"
        recent = await store.requests(since=NOW - 100, model="m1", limit=1000)
        assert {r["model"] for r in recent} == {"m1"} and len(recent) == 51
        assert len(await store.requests(limit=7)) == 7


async def test_events_and_alerts_round_trip(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        store.record_event(
            InstanceEvent(
                ts=NOW - 5,
                kind="state",
                instance_id="i1",
                old_state="ready",
                new_state="busy",
                reason="request",
            )
        )
        store.record_event(InstanceEvent(ts=NOW, kind="scale", reason="load", data={"to": 3}))
        store.record_alert("errors", "firing", 0.4, "error rate 40%")
        store.record_alert("errors", "resolved", 0.0, "ok", ts=NOW + 10)
        assert store.flush(5)
        events = await store.events()
        assert [e["kind"] for e in events] == ["scale", "state"]
        assert events[0]["data"] == {"to": 3} and events[1]["new_state"] == "busy"
        assert len(await store.events(since=NOW - 1)) == 1
        alerts = await store.alerts()
        assert [(a["state"], a["ts"]) for a in alerts] == [("resolved", NOW + 10), ("firing", NOW)]


async def test_stats_percentiles_and_series(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        # 100 requests, one per 36 s over the last hour: ttft 0.01..1.00, duration 1..100.
        for i in range(1, 101):
            store.record_request(
                _rec(
                    i,
                    ts=NOW - 3600 + i * 36 - 18,
                    ttft=i / 100,
                    duration=float(i),
                    model="a" if i <= 50 else "b",
                    status=500 if i % 4 == 0 else 200,
                )
            )
        store.record_request(_rec(0, ts=NOW - 7200))  # outside the window
        assert store.flush(5)
        stats = await store.stats(3600)
    assert stats["total"] == 100 and stats["errors"] == 25
    assert stats["error_rate"] == pytest.approx(0.25)
    assert stats["ttft_p50"] == pytest.approx(0.5) and stats["ttft_p95"] == pytest.approx(0.95)
    assert stats["duration_p50"] == 50 and stats["duration_p95"] == 95
    assert stats["per_model"]["a"]["total"] == 50 and stats["per_model"]["b"]["duration_p50"] == 75
    assert stats["per_instance"]["i1"]["total"] == 100
    series = stats["series"]
    assert len(series) == 60 and series[0]["t"] == NOW - 3600
    assert sum(b["requests"] for b in series) == 100
    # Buckets are 60 s wide; request i sits at 36*i - 18 s into the hour.
    assert series[0]["requests"] == 2 and series[0]["ttft_p95"] == pytest.approx(0.02)
    assert series[1]["requests"] == 1 and series[1]["duration_p95"] == 3


async def test_empty_window_has_full_shape(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        stats = await store.stats(parse_window("6h"), now=NOW)
    assert stats["total"] == 0 and stats["ttft_p95"] is None and len(stats["series"]) == 60


async def test_retention_by_age_and_by_max_rows(tmp_path: Path) -> None:
    now = [NOW]
    store = _store(tmp_path, retention_days=1, max_rows=50, clock=lambda: now[0])
    with store:
        for i in range(40):
            store.record_request(_rec(i, ts=NOW - 2 * 86400 + i))  # two days old
        for i in range(40, 120):
            store.record_request(_rec(i, ts=NOW - 1000 + i))
        store.record_event(InstanceEvent(ts=NOW - 3 * 86400, kind="info", reason="old"))
        assert store.flush(5)
        removed = store.prune()
        assert removed == {"requests": 40 + 30, "events": 1, "alerts": 0}
        rows = await store.requests(limit=1000)
        assert len(rows) == 50
        # The oldest went first: what is left are the newest 50.
        assert min(r["request_id"] for r in rows) == "r100"
        assert sorted(int(r["request_id"][1:]) for r in rows) == list(range(70, 120))


async def test_data_survives_close_and_reopen(tmp_path: Path) -> None:
    store = _store(tmp_path).start()
    store.record_request(_rec(1))
    store.record_event(InstanceEvent(ts=NOW, kind="restart", instance_id="i1", reason="crash"))
    store.close()
    store.close()  # idempotent
    store.record_request(_rec(2))  # after close: ignored, no error
    async with _store(tmp_path) as again:
        assert [r["request_id"] for r in await again.requests()] == ["r1"]
        assert (await again.events())[0]["reason"] == "crash"
        assert again.path.name == FILE_NAME
        conn = sqlite3.connect(again.path)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            conn.close()


async def test_disabled_store_writes_nothing(tmp_path: Path) -> None:
    with _store(tmp_path, enabled=False) as store:
        store.record_request(_rec(1))
        store.record_event(InstanceEvent(ts=NOW, kind="info"))
        store.record_alert("x", "firing", 1.0, "m")
        assert store.flush(1)
        assert await store.requests() == [] and await store.events() == []
        assert await store.alerts() == [] and store.prune() == {}
        stats = await store.stats(3600)
        assert stats["total"] == 0 and len(stats["series"]) == 60
    assert not (tmp_path / "data").exists()


async def test_record_does_not_wait_for_a_held_up_writer(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        # Another connection holds the write lock, so the writer thread is stuck in SQLite.
        blocker = sqlite3.connect(store.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            started = time.perf_counter()
            for i in range(1000):
                store.record_request(_rec(i))
            elapsed = time.perf_counter() - started
            assert not store.flush(0.1)  # the writer is indeed held up
            assert _count(store.path) == 0
        finally:
            blocker.execute("COMMIT")
            blocker.close()
        assert elapsed < 1.0  # had any call touched SQLite it would wait for the lock (10 s)
        assert store.flush(10)
        assert _count(store.path) == 1000 and store.dropped == 0


def test_a_durable_row_is_committed_before_its_callback(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.start()
    seen: list[int] = []
    try:
        for i in range(5):
            done = threading.Event()

            def durable(ev: threading.Event = done) -> None:
                # Another connection (another process, after a crash) sees the row now.
                seen.append(_count(store.path))
                ev.set()

            assert store.record_request(_rec(i), durable)
            assert done.wait(5)
    finally:
        store.close()
    assert seen == [1, 2, 3, 4, 5]


def test_parse_window() -> None:
    assert parse_window("1h") == 3600
    assert parse_window("6h") == 6 * 3600
    assert parse_window("24h") == 86400
    assert parse_window("7d") == 7 * 86400
    assert parse_window("366d") == 366 * 86400
    for bad in ("", "h", "1w", "0h", "-1h", "1.5.h", "abc", "367d", "9" * 400 + "d"):
        with pytest.raises(ValueError):
            parse_window(bad)


def test_percentile_is_nearest_rank_on_fractions() -> None:
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.95) == 3.0
    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert percentile(values, 0.55) == 55  # not 56: float noise must not skip a rank
    assert percentile(values, 0.95) == 95 and percentile(values, 0.5) == 50
    assert percentile(values, 0) == 1 and percentile(values, 1) == 100
    with pytest.raises(ValueError):
        percentile(values, 95)  # a percent instead of a fraction is a caller bug

"""Issue: observability — the SQLite history survives restarts and filters/summarises traffic."""

from __future__ import annotations

import time

import openai
import pytest

from modules.observability.history import HistoryStore
from modules.observability.records import RequestRecord
from tests.e2e.harness import running_bridge, wait_for

A, B = "local-echo-1", "local-echo-mini"


async def _history(http, **params) -> list[dict]:
    r = await http.get("/api/history", params=params)
    assert r.status_code == 200, r.text
    return r.json()["requests"]


async def test_history_survives_a_restart(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        first_ids = []
        for n in range(3):
            reply = await bridge.client.chat.completions.create(
                model=A, messages=[{"role": "user", "content": f"first run {n}"}]
            )
            first_ids.append(reply.id)

        async def written():
            return {r["request_id"] for r in await _history(bridge.http)} >= set(first_ids)

        await wait_for(written, 10, "first run's rows in /api/history")
        folder = bridge.coordinator.obs.history.folder

    async with running_bridge(tmp_path, instances=1) as bridge:
        assert bridge.coordinator.obs.history.folder == folder  # same storage folder
        rows = await _history(bridge.http)
        assert [r["request_id"] for r in rows] == first_ids[::-1]  # newest first
        assert all(r["model"] == A and r["status"] == 200 for r in rows)
        reply = await bridge.client.chat.completions.create(
            model=A, messages=[{"role": "user", "content": "second run"}]
        )

        async def appended():
            ids = [r["request_id"] for r in await _history(bridge.http)]
            return ids == [reply.id, *first_ids[::-1]]

        await wait_for(appended, 10, "the second run's row after the first run's")


async def test_history_filters_and_stats(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=2, balancer={"max_retries": 0}, health={"failure_threshold": 50}
    ) as bridge:
        ok_ids = {A: [], B: []}
        for model, count in ((A, 3), (B, 2)):
            for n in range(count):
                reply = await bridge.client.chat.completions.create(
                    model=model, messages=[{"role": "user", "content": f"{model} {n}"}]
                )
                ok_ids[model].append(reply.id)
        stream = await bridge.client.chat.completions.create(
            model=B, stream=True, messages=[{"role": "user", "content": "streamed"}]
        )
        streamed = [c async for c in stream]
        ok_ids[B].append(streamed[0].id)
        await bridge.knobs(fail_next={"status": 500, "count": 1})
        with pytest.raises(openai.InternalServerError):
            await bridge.client.chat.completions.create(
                model=A, messages=[{"role": "user", "content": "will fail"}]
            )

        async def all_rows():
            rows = await _history(bridge.http)
            return rows if len(rows) == 7 else None

        rows = await wait_for(all_rows, 10, "7 rows in /api/history")
        assert [r["ts"] for r in rows] == sorted((r["ts"] for r in rows), reverse=True)
        failed = rows[0]  # the newest
        assert failed["model"] == A and failed["status"] == 502
        assert failed["error_kind"] == "5xx" and failed["completion_tokens"] == 0
        assert failed["ttft_s"] is None and failed["attempts"] == 1
        assert {r["request_id"] for r in rows[1:]} == set(ok_ids[A] + ok_ids[B])
        assert [r["stream"] for r in rows if r["request_id"] == ok_ids[B][-1]] == [True]
        instance_ids = {i["id"] for i in await bridge.instances()}
        assert {r["instance_id"] for r in rows} <= instance_ids
        for r in rows[1:]:
            assert r["status"] == 200 and r["error_kind"] is None
            assert r["ttft_s"] is not None and r["duration_s"] >= r["ttft_s"] >= 0
            assert r["prompt_tokens"] > 0 and r["completion_tokens"] > 0

        by_model = await _history(bridge.http, model=A)
        assert {r["request_id"] for r in by_model} == {*ok_ids[A], failed["request_id"]}
        assert [r["request_id"] for r in await _history(bridge.http, status=502)] == [
            failed["request_id"]
        ]
        assert [r["request_id"] for r in await _history(bridge.http, status="error")] == [
            failed["request_id"]
        ]
        b_ok = await _history(bridge.http, model=B, status=200)
        assert {r["request_id"] for r in b_ok} == set(ok_ids[B])
        assert await _history(bridge.http, model=B, status=502) == []
        assert [r["request_id"] for r in await _history(bridge.http, limit=2)] == [
            r["request_id"] for r in rows[:2]
        ]
        since = rows[3]["ts"]
        assert len(await _history(bridge.http, since=since)) == 4
        bad = await bridge.http.get("/api/history", params={"status": "teapot"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "status"

        r = await bridge.http.get("/api/stats", params={"window": "1h"})
        assert r.status_code == 200, r.text
        stats = r.json()
        assert stats["window_s"] == 3600
        assert stats["total"] == 7 and stats["errors"] == 1
        assert stats["error_rate"] == pytest.approx(1 / 7)
        ttfts = sorted(r["ttft_s"] for r in rows if r["ttft_s"] is not None)
        assert stats["ttft_p50"] == ttfts[2]  # nearest rank of 6 values
        assert stats["ttft_p95"] == ttfts[-1]
        assert stats["duration_p50"] <= stats["duration_p95"]
        assert stats["per_model"][A]["total"] == 4 and stats["per_model"][A]["errors"] == 1
        assert stats["per_model"][B]["total"] == 3 and stats["per_model"][B]["errors"] == 0
        per_instance = stats["per_instance"]
        assert set(per_instance) == {r["instance_id"] for r in rows}
        assert sum(v["total"] for v in per_instance.values()) == 7
        assert sum(v["errors"] for v in per_instance.values()) == 1
        assert len(stats["series"]) == 60
        assert sum(p["requests"] for p in stats["series"]) == 7
        assert sum(p["errors"] for p in stats["series"]) == 1
        assert stats["series"][-1]["requests"] == 7  # all within the last minute of the hour

        for window in ("6h", "24h", "7d"):
            r = await bridge.http.get("/api/stats", params={"window": window})
            assert r.status_code == 200 and r.json()["total"] == 7
        for window in ("2x", "0h", "-1h", ""):
            r = await bridge.http.get("/api/stats", params={"window": window})
            assert r.status_code == 400, window
            error = r.json()["error"]
            assert error["type"] == "invalid_request_error" and error["param"] == "window"
            assert "1h" in error["message"]


async def test_the_bridge_prunes_rows_past_retention(tmp_path) -> None:
    now = time.time()

    def row(request_id: str, age_days: float) -> RequestRecord:
        return RequestRecord(
            ts=now - age_days * 86400,
            request_id=request_id,
            model=A,
            instance_id="i-1",
            strategy="least_busy",
            status=200,
            error_kind=None,
            ttft_s=0.1,
            duration_s=0.2,
        )

    with HistoryStore(tmp_path / "data", retention_days=30, max_rows=1000) as store:
        for request_id, age in (("too-old", 3), ("old-but-kept", 1.5), ("recent", 0.01)):
            store.record_request(row(request_id, age))
    async with running_bridge(tmp_path, instances=1, storage={"retention_days": 2}) as bridge:

        async def pruned():
            ids = [r["request_id"] for r in await _history(bridge.http)]
            return ids if "too-old" not in ids else None

        assert await wait_for(pruned, 10, "the bridge to prune") == ["recent", "old-but-kept"]

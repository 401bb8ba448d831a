"""Issue 12: a refused API request shows up in /api/history (with its OpenAI error type,
endpoint and the client's User-Agent), in /metrics, and in the opt-in access log."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.e2e.harness import running_bridge, wait_for

USER = [{"role": "user", "content": "hi"}]
AGENT = {"User-Agent": "refusal-test/1.0"}


async def _refused(bridge: Any) -> list[dict[str, Any]]:
    r = await bridge.http.get("/api/history", params={"status": "4xx"})
    return [row for row in r.json()["requests"] if row["user_agent"] == AGENT["User-Agent"]]


async def test_refusals_reach_history_metrics_and_the_access_log(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bridge.access")
    async with running_bridge(tmp_path, instances=1, server={"access_log": True}) as bridge:
        model = await bridge.model()
        bad = await bridge.http.post(
            "/v1/chat/completions", json={"model": model, "messages": USER, "n": 2}, headers=AGENT
        )
        assert bad.status_code == 400
        missing = await bridge.http.post(
            "/v1/chat/completions", json={"model": "no-such", "messages": USER}, headers=AGENT
        )
        assert missing.status_code == 404
        nowhere = await bridge.http.get("/v1/nothing-here", headers=AGENT)
        assert nowhere.status_code == 404

        async def three() -> list[dict[str, Any]] | None:
            rows = await _refused(bridge)
            return rows if len(rows) >= 3 else None

        rows = await wait_for(three, 10, "three refusals in the history")
        assert sorted(r["status"] for r in rows) == [400, 404, 404]
        assert {r["error_type"] for r in rows} == {"invalid_request_error"}
        assert {r["endpoint"] for r in rows} == {"chat", "nothing-here"}
        assert {r["error_kind"] for r in rows} >= {"bad_request", "not_found"}
        metrics = (await bridge.http.get("/metrics")).text
        assert 'status="400"' in metrics and 'status="404"' in metrics
        assert 'model="no-such"' not in metrics  # unknown names do not become labels
    lines = [r.getMessage() for r in caplog.records if r.name == "bridge.access"]
    assert any(
        '"POST /v1/chat/completions" 400' in line and "refusal-test/1.0" in line for line in lines
    )
    assert not any("messages" in line for line in lines)  # no bodies in the log

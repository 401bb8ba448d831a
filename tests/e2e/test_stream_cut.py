"""A stream the site cuts is recorded as `stream_cut` and does not count against the
instance that carried it (issue 13, item 18)."""

from __future__ import annotations

from tests.e2e.harness import running_bridge, wait_for
from tests.e2e.pool_helpers import body, sse_data


async def test_an_upstream_cut_is_stream_cut_and_the_instance_keeps_its_score(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, arena_knobs={"cut_after_tokens": 2}) as b:
        model = await b.model()
        for _ in range(4):  # more than health.failure_threshold (3) cuts in a row
            async with b.http.stream(
                "POST", "/v1/chat/completions", json=body(model, "a b c d e", stream=True)
            ) as r:
                payloads = sse_data([line async for line in r.aiter_lines()])
            assert payloads[-1] == "[DONE]"
            assert payloads[-2]["error"]["code"] == "stream_cut", payloads[-2]
        [instance] = await b.instances()
        assert instance["state"] == "ready" and instance["error_score"] == 0, instance
        assert b.coordinator.pool.restarts == 0

        async def recorded() -> list[dict]:
            rows = (await b.http.get("/api/history", params={"limit": 10})).json()["requests"]
            return rows if len(rows) == 4 else []

        rows = await wait_for(recorded, 10, "four history rows")
        assert {row["error_kind"] for row in rows} == {"stream_cut"}

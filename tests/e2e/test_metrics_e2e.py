"""Issue: observability — /metrics, /health and /ready after real traffic through the bridge."""

from __future__ import annotations

import openai
import pytest

from modules.local_arena import expected_reply
from modules.observability.metrics import INSTANCE_STATES
from tests.e2e.harness import running_bridge, wait_for
from tests.e2e.obs_helpers import sample, scrape

A, B = "local-echo-1", "local-echo-mini"


async def test_metrics_count_the_traffic(tmp_path) -> None:
    # max_retries 1: one injected 500 is retried on the other instance, two fail the request.
    async with running_bridge(
        tmp_path, instances=2, balancer={"max_retries": 1}, health={"failure_threshold": 50}
    ) as bridge:
        before = await scrape(bridge.http)
        assert sample(before, "bridge_retries_total") == 0
        assert sample(before, "bridge_instances", state="ready") == 2

        prompt_a = completion_a = prompt_b = completion_b = 0
        for n in range(3):
            text = f"plain request {n}"
            reply = await bridge.client.chat.completions.create(
                model=A, messages=[{"role": "user", "content": text}]
            )
            assert reply.choices[0].message.content == expected_reply(A, text)
            prompt_a += reply.usage.prompt_tokens
            completion_a += reply.usage.completion_tokens
        for n in range(2):
            stream = await bridge.client.chat.completions.create(
                model=B,
                stream=True,
                stream_options={"include_usage": True},
                messages=[{"role": "user", "content": f"streamed request number {n}"}],
            )
            chunks = [c async for c in stream]
            prompt_b += chunks[-1].usage.prompt_tokens
            completion_b += chunks[-1].usage.completion_tokens

        # One upstream 500, retried elsewhere: the client still gets a 200.
        await bridge.knobs(fail_next={"status": 500, "count": 1})
        raw = await bridge.client.chat.completions.with_raw_response.create(
            model=A, messages=[{"role": "user", "content": "retried once"}]
        )
        assert raw.headers["x-bridge-attempts"] == "2"
        retried = raw.parse()
        prompt_a += retried.usage.prompt_tokens
        completion_a += retried.usage.completion_tokens

        # Two 500s: both attempts fail and the client gets a 502.
        await bridge.knobs(fail_next={"status": 500, "count": 2})
        with pytest.raises(openai.InternalServerError) as failed:
            await bridge.client.chat.completions.create(
                model=A, messages=[{"role": "user", "content": "retried once"}]
            )
        assert failed.value.status_code == 502
        prompt_a += retried.usage.prompt_tokens  # same prompt; a failure counts no completion

        async def settled():
            m = await scrape(bridge.http)
            return m if sample(m, "bridge_instances", state="ready") == 2 else None

        m = await wait_for(settled, 20, "both instances ready again")

    assert sample(m, "bridge_requests_total", model=A, status="200") == 4
    assert sample(m, "bridge_requests_total", model=A, status="502") == 1
    assert sample(m, "bridge_requests_total", model=B, status="200") == 2
    assert sample(m, "bridge_request_duration_seconds_count", model=A) == 5
    assert sample(m, "bridge_request_duration_seconds_count", model=B) == 2
    assert sample(m, "bridge_request_duration_seconds_bucket", model=A, le="+Inf") == 5
    assert sample(m, "bridge_time_to_first_token_seconds_count", model=A) == 4  # not the failure
    assert sample(m, "bridge_time_to_first_token_seconds_count", model=B) == 2
    assert sample(m, "bridge_time_to_first_token_seconds_sum", model=B) > 0
    assert sample(m, "bridge_prompt_tokens_total", model=A) == prompt_a
    assert sample(m, "bridge_completion_tokens_total", model=A) == completion_a
    assert sample(m, "bridge_prompt_tokens_total", model=B) == prompt_b
    assert sample(m, "bridge_completion_tokens_total", model=B) == completion_b
    assert completion_a > 0 and completion_b > 0
    assert sample(m, "bridge_upstream_errors_total", kind="5xx") == 3
    assert sample(m, "bridge_retries_total") == 2
    assert sample(m, "bridge_queue_depth") == 0
    for state in INSTANCE_STATES:
        assert sample(m, "bridge_instances", state=state) == (2 if state == "ready" else 0)


async def test_health_and_ready_follow_the_pool(tmp_path) -> None:
    # min_instances 0: removing an instance never takes the pool below its floor.
    async with running_bridge(tmp_path, instances=2, pool={"min_instances": 0}) as bridge:
        health = await bridge.http.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "ok" and body["uptime_s"] >= 0
        ready = await bridge.http.get("/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "usable_instances": 2, "accepting": True}

        for inst in await bridge.instances():
            r = await bridge.http.delete(f"/api/instances/{inst['id']}")
            assert r.status_code == 202 and r.json()["instance"]["state"] == "draining"
        ready = await bridge.http.get("/ready")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "usable_instances": 0, "accepting": True}
        assert (await bridge.http.get("/health")).status_code == 200  # alive all the same

        async def gone():
            return not await bridge.instances()

        await wait_for(gone, 20, "instances closed")
        m = await scrape(bridge.http)  # after the list is empty, so no state can linger
        assert all(sample(m, "bridge_instances", state=s) == 0 for s in INSTANCE_STATES)

        r = await bridge.http.post("/api/instances", json={})
        assert r.status_code == 202

        async def is_ready():
            return (await bridge.http.get("/ready")).status_code == 200

        await wait_for(is_ready, 30, "/ready back to 200")
        assert (await bridge.http.get("/ready")).json()["usable_instances"] == 1
        m = await scrape(bridge.http)
        assert sample(m, "bridge_instances", state="ready") == 1
        reply = await bridge.client.chat.completions.create(
            model=A, messages=[{"role": "user", "content": "back"}]
        )
        assert reply.choices[0].message.content == expected_reply(A, "back")


async def test_ready_is_503_while_every_session_is_challenged(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=2, health={"interval_s": 0.5}, balancer={"max_retries": 1}
    ) as bridge:
        assert (await bridge.http.get("/ready")).status_code == 200
        await bridge.knobs(challenge=True)
        # The request meets the challenge on one session, fails over and meets it again.
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": A, "messages": [{"role": "user", "content": "challenged"}]},
        )
        assert r.status_code >= 400 and "error" in r.json()

        async def unavailable():
            r = await bridge.http.get("/ready")
            return r if r.status_code == 503 else None

        r = await wait_for(unavailable, 30, "/ready 503 under challenge")
        assert r.json() == {"status": "unavailable", "usable_instances": 0, "accepting": True}
        m = await scrape(bridge.http)
        assert sample(m, "bridge_instances", state="ready") == 0
        assert sample(m, "bridge_instances", state="needs_attention") == 2
        assert sample(m, "bridge_upstream_errors_total", kind="challenge") >= 2

        await bridge.knobs(challenge=False)

        async def both_ready():
            r = await bridge.http.get("/ready")
            return r.status_code == 200 and r.json()["usable_instances"] == 2

        # Each parked instance heals on its own next probe; wait for both, then scrape.
        await wait_for(both_ready, 30, "/ready with both instances once the challenge is lifted")
        m = await scrape(bridge.http)
        assert sample(m, "bridge_instances", state="needs_attention") == 0

"""Issue: failures before the first byte move to another instance; after it, a clean end."""

from __future__ import annotations

import openai
import pytest

from modules.local_arena import expected_reply, tokenize
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import arena_control, body, chat, sse_data, streamed_text, user_ids


async def _state(bridge: Bridge, instance_id: str) -> dict:
    return next(i for i in await bridge.instances() if i["id"] == instance_id)


async def test_a_500_on_the_first_try_is_retried_on_another_instance(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=3, balancer={"strategy": "round_robin"}
    ) as bridge:
        model = await bridge.model()
        users = await user_ids(bridge)
        await bridge.knobs(fail_next={"status": 500, "count": 1, "sessions": [users["i-1"]]})
        headers, text = await chat(bridge, model, "survive a 500")
        assert text == expected_reply(model, "survive a 500")
        assert headers["x-bridge-instance"] == "i-2"
        assert headers["x-bridge-attempts"] == "2"
        assert headers["x-bridge-failover"] == "i-1: 5xx"
        counts = (await arena_control(bridge))["request_counts"]
        assert counts[users["i-1"]] == 1 and counts[users["i-2"]] == 1  # really tried twice
        failed = await _state(bridge, "i-1")
        assert failed["state"] == "ready" and "500" in failed["last_error"]

        # The same for a stream: the client only ever sees the successful attempt.
        await bridge.knobs(fail_next={"status": 503, "count": 1, "sessions": [users["i-3"]]})
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, "stream after a 503", stream=True)
        ) as r:
            assert r.status_code == 200
            lines = [line async for line in r.aiter_lines()]
        assert r.headers["x-bridge-attempts"] == "2"
        assert r.headers["x-bridge-failover"] == "i-3: 5xx"
        assert r.headers["x-bridge-instance"] == "i-1"
        payloads = sse_data(lines)
        assert payloads[-1] == "[DONE]" and not any("error" in p for p in payloads[:-1])
        assert streamed_text(payloads) == expected_reply(model, "stream after a 503")


async def test_a_429_cools_the_instance_down_and_the_request_succeeds_elsewhere(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=3, balancer={"strategy": "round_robin"}
    ) as bridge:
        model = await bridge.model()
        users = await user_ids(bridge)
        await bridge.knobs(
            fail_next={"status": 429, "count": 1, "sessions": [users["i-1"]], "retry_after_s": 2}
        )
        headers, text = await chat(bridge, model, "rate limited once")
        assert text == expected_reply(model, "rate limited once")
        assert headers["x-bridge-instance"] == "i-2"
        assert headers["x-bridge-failover"] == "i-1: 429"
        cooling = await _state(bridge, "i-1")
        assert cooling["state"] == "cooling_down"
        assert 0 < cooling["cooling_down_s"] <= 2
        # While it rests (with a margin against the race with its end), nobody uses it.
        served = []
        while (await _state(bridge, "i-1"))["cooling_down_s"] > 0.3:
            headers, _ = await chat(bridge, model, "meanwhile")
            served.append(headers["x-bridge-instance"])
        assert len(served) >= 2 and "i-1" not in served, served
        # After Retry-After it serves again, without anyone touching it.
        await wait_for(lambda: _ready(bridge, "i-1"), 5, "i-1 back from its cool-down")
        later = [
            (await chat(bridge, model, f"later {n}"))[0]["x-bridge-instance"] for n in range(3)
        ]
        assert sorted(later) == ["i-1", "i-2", "i-3"]

        # Rate limited everywhere: the request waits at the head of the queue until the
        # first identity's Retry-After has passed (within queue.timeout_s), then succeeds.
        await bridge.knobs(fail_next={"status": 429, "count": 3, "retry_after_s": 1})
        headers, text = await chat(bridge, model, "patience")
        assert text == expected_reply(model, "patience")
        assert headers["x-bridge-attempts"] == "4"
        assert headers["x-bridge-failover"].count(": 429") == 3
        await wait_for(lambda: _all_ready(bridge), 5, "every instance back from cool-down")


async def _ready(bridge: Bridge, instance_id: str) -> bool:
    return (await _state(bridge, instance_id))["state"] == "ready"


async def _all_ready(bridge: Bridge) -> bool:
    return all(i["state"] == "ready" for i in await bridge.instances())


async def _raw_stream(bridge: Bridge, model: str, text: str) -> tuple[dict, list]:
    async with bridge.http.stream(
        "POST", "/v1/chat/completions", json=body(model, text, stream=True)
    ) as r:
        assert r.status_code == 200
        lines = [line async for line in r.aiter_lines()]
    return dict(r.headers), sse_data(lines)


@pytest.mark.parametrize(
    "knob", [{"error_midstream": {"after_tokens": 3}}, {"cut_after_tokens": 3}]
)
async def test_a_failure_after_bytes_ends_the_stream_with_an_error_and_done(tmp_path, knob) -> None:
    async with running_bridge(tmp_path, instances=2, arena_knobs=knob) as bridge:
        model = await bridge.model()
        text = "one two three four five six"
        headers, payloads = await _raw_stream(bridge, model, text)
        assert payloads[-1] == "[DONE]"
        error = payloads[-2]
        assert set(error) == {"error"} and error["error"]["message"], error
        assert error["error"]["code"] in ("stream_error", "stream_cut")
        # Some text got through first, and it was not retried (bytes had been sent).
        partial = streamed_text(payloads)
        assert partial and expected_reply(model, text).startswith(partial)
        assert len(tokenize(partial)) <= 3
        assert not any(
            c.get("choices") and c["choices"][0].get("finish_reason") for c in payloads[:-2]
        )
        assert headers["x-bridge-attempts"] == "1"
        assert (await arena_control(bridge))["total_requests"] == 1
        # The openai SDK surfaces it as an error, not as a truncated success.
        stream = await bridge.client.chat.completions.create(
            model=model, stream=True, messages=[{"role": "user", "content": text}]
        )
        with pytest.raises(openai.APIError):
            async for _ in stream:
                pass
        await bridge.knobs(reset=True)
        _, ok = await chat(bridge, model, "fine again")
        assert ok == expected_reply(model, "fine again")
        status = await bridge.status()
        assert status["pool"]["in_flight"] == 0 and status["pool"]["usable"] == 2


async def test_client_errors_are_deterministic_and_not_retried(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        model = await bridge.model()
        r = await bridge.http.post(
            "/v1/chat/completions", json=body(model, "this is FORBIDDEN content")
        )
        assert r.status_code == 422
        assert r.headers["x-should-retry"] == "false"
        assert r.headers["x-bridge-attempts"] == "1"
        assert r.json()["error"]["code"] == "content_rejected"
        assert (await arena_control(bridge))["total_requests"] == 1  # not tried elsewhere
        for bad in (b"{oops", b'{"model": "' + model.encode() + b'", "messages": []}'):
            r = await bridge.http.post("/v1/chat/completions", content=bad)
            assert r.status_code == 400, r.text
            assert r.headers["x-should-retry"] == "false"
            assert r.json()["error"]["type"] == "invalid_request_error"
        r = await bridge.http.post("/v1/chat/completions", json=body("no-such-model", "x"))
        assert r.status_code == 404 and r.headers["x-should-retry"] == "false"
        # The instances are fine: a content rejection is not the instance's fault.
        assert all(
            i["state"] == "ready" and i["error_score"] == 0 for i in await bridge.instances()
        )

"""Issue: the management API adds, drains and reports instances; bad input is refused cleanly."""

from __future__ import annotations

import asyncio

from modules.local_arena import expected_reply
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import ROUTING_HEADERS, body, chat, sse_data, streamed_text


async def _ready_count(bridge: Bridge, n: int) -> bool:
    status = await bridge.status()
    return status["pool"]["by_state"] == {"ready": n} and status["pool"]["total"] == n


async def _gone(bridge: Bridge, instance_id: str) -> bool:
    return instance_id not in {i["id"] for i in await bridge.instances()}


async def test_add_drain_and_status(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        status = await bridge.status()
        assert status["pool"]["total"] == 2 and status["pool"]["by_state"] == {"ready": 2}
        assert status["queue"] == {"depth": 0, "max_size": 100}
        assert status["strategy"] == "least_busy"

        r = await bridge.http.post("/api/instances", json={})
        assert r.status_code == 202
        added = r.json()["instance"]
        assert added["id"] == "i-3" and added["state"] == "starting"
        await wait_for(lambda: _ready_count(bridge, 3), 30, "the added instance to be ready")
        model = await bridge.model()
        results = await asyncio.gather(
            *(chat(bridge, model, f"three at once {n}") for n in range(3))
        )
        assert {h["x-bridge-instance"] for h, _ in results} == {"i-1", "i-2", "i-3"}

        # Remove an instance that is serving a stream: it drains, the stream completes.
        await bridge.knobs(tokens_per_s=10)
        text = "drain me gently " + "slowly " * 12
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, text, stream=True)
        ) as r:
            victim = r.headers["x-bridge-instance"]
            lines = []
            it = r.aiter_lines()  # one iterator: a dropped one closes the stream when collected
            async for line in it:
                lines.append(line)
                if '"content":"' in line and '"content":""' not in line:
                    break
            busy = await bridge.status()
            assert busy["pool"]["by_state"] == {"ready": 2, "busy": 1}
            assert busy["pool"]["in_flight"] == 1
            d = await bridge.http.delete(f"/api/instances/{victim}")
            assert d.status_code == 202
            assert d.json()["instance"]["state"] == "draining"
            draining = await bridge.status()
            assert draining["pool"]["by_state"] == {"ready": 2, "draining": 1}
            assert draining["pool"]["total"] == 2 and draining["pool"]["target"] == 2
            # New work goes to the others while the victim finishes its stream.
            headers, _ = await chat(bridge, model, "not on the drained one")
            assert headers["x-bridge-instance"] not in ("", victim)
            assert not await _gone(bridge, victim)
            lines += [line async for line in it]
        payloads = sse_data(lines)
        assert payloads[-1] == "[DONE]"
        assert streamed_text(payloads) == expected_reply(model, text)
        await wait_for(lambda: _gone(bridge, victim), 10, f"{victim} to close once idle")
        assert await _ready_count(bridge, 2)


async def test_bad_admin_input_gets_openai_shaped_errors(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        before = bridge.config_path.read_text(encoding="utf-8")
        cases = [
            ("DELETE", "/api/instances/i-99", None, 404, "id"),
            ("POST", "/api/instances/i-99/recycle", None, 404, "id"),
            ("PUT", "/api/settings", {"strategy": "fastest"}, 400, "strategy"),
            ("PUT", "/api/settings", {"min_instances": 5, "max_instances": 2}, 400, None),
            ("PUT", "/api/settings", {"no_such_setting": 1}, 400, "no_such_setting"),
            ("PUT", "/api/settings", [1, 2], 400, None),
            ("PUT", "/api/settings", b"{not json", 400, None),
            ("GET", "/api/stats?window=forever", None, 400, "window"),
            ("GET", "/api/history?status=teapot", None, 400, "status"),
        ]
        for method, path, payload, status, param in cases:
            if isinstance(payload, bytes):
                r = await bridge.http.request(method, path, content=payload)
            else:
                r = await bridge.http.request(method, path, json=payload)
            assert r.status_code == status, (method, path, r.text)
            error = r.json()["error"]
            assert set(error) == {"message", "type", "param", "code"}, error
            assert error["type"] == "invalid_request_error" and error["message"]
            if param is not None:
                assert error["param"] == param, (path, error)
            assert r.headers["x-should-retry"] == "false"
        # Nothing was applied or saved.
        settings = (await bridge.http.get("/api/settings")).json()
        assert settings["strategy"] == "least_busy" and settings["min_instances"] == 1
        assert bridge.config_path.read_text(encoding="utf-8") == before
        assert await _ready_count(bridge, 1)


async def test_routing_headers_on_every_response(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2, balancer={"max_retries": 1}) as bridge:
        model = await bridge.model()
        headers, _ = await chat(bridge, model, "plain")
        assert all(headers.get(h) for h in ROUTING_HEADERS), headers
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, "streamed", stream=True)
        ) as r:
            assert all(r.headers.get(h) for h in ROUTING_HEADERS), r.headers
            assert r.headers["x-bridge-instance"] in ("i-1", "i-2")
            await r.aread()
        # Every try failed: still told where it went and how often it was tried.
        await bridge.knobs(fail_next={"status": 500, "count": 2})
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "doomed"))
        assert r.status_code == 502 and r.json()["error"]["code"] == "5xx"
        assert all(r.headers.get(h) for h in ROUTING_HEADERS), r.headers
        assert r.headers["x-bridge-attempts"] == "2"
        assert r.headers["x-bridge-failover"].startswith(("i-1: 5xx", "i-2: 5xx"))
        assert "x-should-retry" not in r.headers  # a 502 may well succeed on a retry

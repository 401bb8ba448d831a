"""Issue: one instance end to end — real Chromium, local arena, uvicorn, the openai SDK."""

from __future__ import annotations

import json

import httpx
import openai
import psutil
import pytest

from modules.browser.flags import use_sandbox
from modules.local_arena import expected_reply
from modules.local_arena.catalog import MODELS
from tests.e2e.harness import running_bridge, wait_for


def _browser_processes() -> list[psutil.Process]:
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name().lower() or "headless" in proc.name().lower():
                found.append(proc)
        except psutil.Error:
            continue
    return found


async def test_stream_and_non_stream_through_the_sdk(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        reply = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hello bridge"}]
        )
        assert reply.choices[0].message.content == expected_reply(model, "hello bridge")
        assert reply.choices[0].finish_reason == "stop"
        assert reply.usage is not None and reply.usage.completion_tokens > 0

        stream = await bridge.client.chat.completions.create(
            model=model,
            stream=True,
            stream_options={"include_usage": True},
            messages=[{"role": "user", "content": "stream this please"}],
        )
        chunks = [c async for c in stream]
        assert chunks[0].choices[0].delta.role == "assistant"
        with_choices = [c for c in chunks if c.choices]
        assert with_choices[-1].choices[0].finish_reason == "stop"
        assert all(c.choices[0].finish_reason is None for c in with_choices[:-1])
        text = "".join(c.choices[0].delta.content or "" for c in with_choices)
        assert text == expected_reply(model, "stream this please")
        assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


async def test_raw_stream_ends_with_done_and_models_come_from_the_page(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        listed = {m.id for m in (await bridge.client.models.list()).data} - {"battle"}
        public = {m["publicName"] for m in MODELS if m.get("organization")}
        assert listed == public
        one = await bridge.client.models.retrieve(sorted(listed)[0])
        assert one.id == sorted(listed)[0]
        body = {
            "model": sorted(listed)[0],
            "stream": True,
            "messages": [{"role": "user", "content": "raw"}],
        }
        async with bridge.http.stream("POST", "/v1/chat/completions", json=body) as r:
            assert r.status_code == 200
            assert r.headers["x-bridge-instance"].startswith("i-")
            lines = [line async for line in r.aiter_lines() if line.startswith("data:")]
        assert lines[-1] == "data: [DONE]"
        assert json.loads(lines[0][5:])["choices"][0]["delta"]["role"] == "assistant"


async def test_full_history_reaches_the_upstream(tmp_path) -> None:
    # The 2025 site (fetch): the bridge builds messages[] itself. Compose renders the
    # history into one message instead (test_compose_e2e.py).
    async with running_bridge(tmp_path, instances=1, legacy=True) as bridge:
        model = await bridge.model()
        messages = [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "answer one"},
            {"role": "user", "content": "second"},
        ]
        reply = await bridge.client.chat.completions.create(model=model, messages=messages)
        assert reply.choices[0].message.content == expected_reply(model, "second")
        async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
            recorded = (await arena.get("/_control/requests", params={"limit": 1})).json()
        body = recorded["requests"][-1]["body"]
        sent = [(m["role"], m["content"]) for m in body["messages"]]
        assert sent[:4] == [
            ("system", "be brief"),
            ("user", "first"),
            ("assistant", "answer one"),
            ("user", "second"),
        ]
        assert sent[4] == ("assistant", "")  # the pending placeholder


async def test_instances_show_the_session_identity(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        instances = await bridge.instances()
        assert len(instances) == 2
        users = {i["identity"]["user_id"] for i in instances}
        assert None not in users and len(users) == 2  # isolated contexts: two sessions
        assert all(i["state"] == "ready" for i in instances)
        model = await bridge.model()
        await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "count me"}]
        )
        after = await bridge.instances()
        assert sum(i["requests"] for i in after) == 1


async def test_errors_are_openai_shaped_with_real_statuses(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, api_key="sk-test", balancer={"max_retries": 0}
    ) as bridge:
        model = await bridge.model()
        bad_key = openai.AsyncOpenAI(
            base_url=f"{bridge.base_url}/v1", api_key="wrong", max_retries=0
        )
        with pytest.raises(openai.AuthenticationError):
            await bad_key.models.list()
        await bad_key.close()
        with pytest.raises(openai.NotFoundError) as missing:
            await bridge.client.chat.completions.create(
                model="no-such-model", messages=[{"role": "user", "content": "x"}]
            )
        assert missing.value.body["code"] == "model_not_found"
        r = await bridge.http.post("/v1/chat/completions", content=b"{not json")
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
        assert r.headers["x-should-retry"] == "false"
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "n": 2, "messages": [{"role": "user", "content": "x"}]},
        )
        assert r.status_code == 400 and r.json()["error"]["param"] == "n"
        await bridge.knobs(fail_next={"status": 500, "count": 1})
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": "x"}]},
        )
        assert r.status_code == 502 and "error" in r.json()
        assert "Traceback" not in r.text
        ok = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "after"}]
        )
        assert ok.choices[0].message.content == expected_reply(model, "after")


async def test_no_browser_process_outlives_the_server(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        assert _browser_processes(), "the bridge should run Chromium"
        assert bridge.coordinator.driver.browser_pids()
    await wait_for(lambda: not _browser_processes(), 15, "Chromium processes to exit")


def _cmdlines() -> list[str]:
    lines = []
    for proc in _browser_processes():
        try:
            lines.append(" ".join(proc.cmdline()))
        except psutil.Error:
            continue
    return lines


async def test_the_network_stack_has_no_process_of_its_own_without_a_sandbox(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        reply = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "through the network"}]
        )
        assert reply.choices[0].message.content == expected_reply(model, "through the network")
        sandboxed = use_sandbox(bridge.coordinator.config.browser.sandbox)
        lines = _cmdlines()
        assert any("--type=renderer" in line for line in lines), "the page's renderer is seen"
        network = [line for line in lines if "network.mojom.NetworkService" in line]
        assert bool(network) == sandboxed, network

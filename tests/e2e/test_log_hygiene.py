"""No prompt and no key reaches any log, even at DEBUG: captured records, the console's ring
and its export; error messages do not echo a request's path or content back whole."""

from __future__ import annotations

import json
import logging

import httpx

from tests.e2e.harness import running_bridge

PROMPT = "PROMPT-MARKER-5d1c"
KEY = "sk-bridge-KEY-MARKER-9f27"
WRONG_KEY = "sk-WRONG-KEY-MARKER-a81e"


async def test_prompts_and_keys_stay_out_of_every_log(tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    settings = {"server": {"access_log": True}, "logging": {"level": "DEBUG"}}
    async with running_bridge(tmp_path, instances=1, api_key=KEY, **settings) as bridge:
        model = await bridge.model()
        messages = [{"role": "user", "content": f"repeat {PROMPT}"}]
        reply = await bridge.client.chat.completions.create(model=model, messages=messages)
        assert reply.choices[0].message.content
        stream = await bridge.client.chat.completions.create(
            model=model, messages=messages, stream=True
        )
        assert [chunk async for chunk in stream]
        answer = await bridge.client.responses.create(model=model, input=f"repeat {PROMPT}")
        assert answer.output_text
        # Refused requests: a bad role, a wrong key, a long unknown route.
        bad = [{"role": f"{PROMPT}-role", "content": PROMPT}]
        refused = await bridge.http.post(
            "/v1/chat/completions", json={"model": model, "messages": bad}
        )
        assert refused.status_code == 400 and PROMPT not in refused.text
        async with httpx.AsyncClient(base_url=bridge.base_url) as stranger:
            auth = {"Authorization": f"Bearer {WRONG_KEY}"}
            assert (await stranger.get("/v1/models", headers=auth)).status_code == 401
        route = await bridge.http.get("/v1/" + "no-such-route-" * 500)
        assert route.status_code == 404 and "no-such-route" not in route.text
        ring = (await bridge.http.get("/api/logs", params={"limit": 5000})).json()["logs"]
        lines = (await bridge.http.get("/api/logs/export")).text.splitlines()
    # The ring takes every logger of the process: here the test's own clients too.
    ring = [e for e in ring if _bridge_logger(e["logger"])]
    export = [line for line in map(json.loads, lines) if _bridge_logger(line["logger"])]
    assert len(ring) > 10 and len(export) > 10
    records = [r for r in caplog.records if _bridge_logger(r.name)]
    captured = "\n".join(f"{r.name} {r.getMessage()}" for r in records)
    # The requests were logged, DEBUG lines too: there was something to leak.
    assert '"POST /v1/chat/completions" 200' in captured and '"POST /v1/responses" 200' in captured
    assert any(r.levelno == logging.DEBUG for r in records)
    for where, text in (
        ("records", captured),
        ("ring", json.dumps(ring)),
        ("export", json.dumps(export)),
    ):
        for secret in (PROMPT, KEY, WRONG_KEY):
            assert secret not in text, f"{secret} in the {where}"


def _bridge_logger(name: str) -> bool:
    """The bridge's own loggers; the test's clients (openai, httpx) log what they send."""
    ours = name.split(".")[0] in {"modules", "bridge", "uvicorn", "fastapi", "starlette"}
    return ours and not name.startswith("modules.local_arena")  # the site the bridge talks to


ECHOES = [
    ({"previous_response_id": "resp_" + "x" * 5000}, "previous_response_id"),
    ({"tools": [{"type": "y" * 5000}]}, "tools[0].type"),
    ({"input": [{"type": "message", "role": "z" * 5000, "content": "hi"}]}, "input[0].role"),
]


async def test_error_messages_name_a_clients_value_without_echoing_it(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        for body, param in ECHOES:
            r = await bridge.http.post(
                "/v1/responses", json={"model": model, "input": "hi", **body}
            )
            error = r.json()["error"]
            assert 400 <= r.status_code < 500 and error["param"] == param, error
            assert len(r.text) < 600, error["message"]

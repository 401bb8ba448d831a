"""Fuzzing the HTTP surface (issue 13): request bodies drawn from the JSON schemas of the
pydantic models that declare them (hypothesis-jsonschema), plus malformed JSON and odd
query strings, sent to a real bridge on a socket. No answer may be a 5xx or a non-JSON
error; the run is bounded (max_examples, no shrinking database)."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from modules.app.runtime_settings import Settings
from modules.openai_api.schema import ChatCompletionRequest
from tests.e2e.harness import running_bridge

FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every CI run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _checked(response: httpx.Response, counts: dict[str, int]) -> None:
    counts["cases"] += 1
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        error = response.json()["error"]  # OpenAI-shaped, never a stack trace
        assert isinstance(error["message"], str) and "Traceback" not in error["message"]


# The console's reading routes (issue 14) and every query parameter any of them takes.
CONSOLE_ROUTES = ("/api/logs", "/api/logs/export", "/api/history/export", "/api/stats/export")
QUERY_KEYS = (
    *("since", "until", "after", "status", "limit", "model", "window", "format", "table"),
    *("level", "component", "instance", "text"),
)
ODD_VALUES = st.sampled_from(
    ["-1", "1e309", "nan", "inf", "1e12", "99999999999999999999", "", "x" * 300, "1h" + " " * 40]
)


def _query_params() -> st.SearchStrategy[dict[str, str]]:
    value = st.one_of(st.text(max_size=30), ODD_VALUES)
    return st.fixed_dictionaries({}, optional={key: value for key in QUERY_KEYS})


def _chat_bodies(model: str) -> st.SearchStrategy[Any]:
    schema = from_schema(ChatCompletionRequest.model_json_schema())
    real_model = schema.map(lambda body: {**body, "model": model})
    return st.one_of(schema, real_model, JSON)


def _fuzz_all(base: str, model: str) -> int:
    """Run every fuzzer against the bridge at `base` (blocking); the number of requests."""
    counts = {"cases": 0}
    with httpx.Client(base_url=base, timeout=30) as client:

        @FUZZ
        @given(body=_chat_bodies(model))
        def fuzz_chat(body: Any) -> None:
            _checked(client.post("/v1/chat/completions", content=json.dumps(body)), counts)

        @FUZZ
        @given(body=st.one_of(from_schema(Settings.model_json_schema()), JSON))
        def fuzz_settings(body: Any) -> None:
            _checked(client.put("/api/settings", content=json.dumps(body)), counts)

        @FUZZ
        @given(body=st.one_of(st.fixed_dictionaries({"key": st.text()}), JSON))
        def fuzz_login(body: Any) -> None:
            _checked(client.post("/api/login", content=json.dumps(body)), counts)

        @FUZZ
        @given(raw=st.binary(max_size=200))
        def fuzz_raw(raw: bytes) -> None:
            _checked(client.post("/v1/chat/completions", content=raw), counts)

        @FUZZ
        @given(
            params=_query_params(),
            name=st.text(min_size=1, max_size=50).filter(lambda n: n not in (".", "..")),
        )
        def fuzz_queries(params: dict[str, str], name: str) -> None:
            _checked(client.get("/api/history", params=params), counts)
            _checked(client.get("/api/stats", params=params), counts)
            _checked(client.get(f"/v1/models/{quote(name, safe='')}"), counts)

        @settings(FUZZ, max_examples=60)  # reading routes: the parameters are what varies
        @given(path=st.sampled_from(CONSOLE_ROUTES), params=_query_params())
        def fuzz_console(path: str, params: dict[str, str]) -> None:
            _checked(client.get(path, params=params), counts)

        # Chat first: fuzzed settings may retune the pool afterwards.
        fuzzers = (fuzz_chat, fuzz_settings, fuzz_login, fuzz_raw, fuzz_queries, fuzz_console)
        for fuzz in fuzzers:
            fuzz()  # a @given function runs every example when called
    return counts["cases"]


async def test_fuzz_the_http_surface(tmp_path) -> None:
    knobs = {"ttft_ms": 0, "tokens_per_s": 5000}
    limits = {"autoscale": {"max_memory_mb": 100}}  # fuzzed settings may not start browsers
    async with running_bridge(tmp_path, instances=1, arena_knobs=knobs, **limits) as bridge:
        cases = await asyncio.to_thread(_fuzz_all, bridge.base_url, await bridge.model())
        print(f"fuzz cases sent: {cases}")
        assert cases >= 7 * 120 + 60

"""Issue 12: bad agent input is an OpenAI-shaped 400/404 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import running_bridge

USER = [{"role": "user", "content": "hi"}]
BAD_SCHEMA_TOOL = {
    "type": "function",
    "function": {"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": 7}}}},
}
CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
NEVER = {
    "type": "object",
    "properties": {"a": {"type": "integer", "minimum": 3, "maximum": 1}},
    "required": ["a"],
}

CASES: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "/v1/chat/completions",
        {"messages": USER, "tools": [BAD_SCHEMA_TOOL]},
        400,
        "tools[0].function.parameters",
    ),
    (
        "/v1/chat/completions",
        {
            "messages": [
                *USER,
                {"role": "assistant", "tool_calls": [CALL]},
                {"role": "tool", "tool_call_id": "call_2", "content": "x"},
            ]
        },
        400,
        "messages[2].tool_call_id",
    ),
    (
        "/v1/chat/completions",
        {
            "messages": USER,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "n", "schema": NEVER},
            },
        },
        400,
        "response_format.json_schema.schema",
    ),
    (
        "/v1/responses",
        {"input": "hi", "previous_response_id": "resp_unknown"},
        404,
        "previous_response_id",
    ),
    ("/v1/completions", {"prompt": ["a", "b"]}, 400, "prompt"),
]


@pytest.mark.parametrize(("path", "body", "status", "param"), CASES, ids=[c[3] for c in CASES])
async def test_bad_agent_input_names_the_field(
    tmp_path, path: str, body: dict[str, Any], status: int, param: str
) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        r = await bridge.http.post(path, json={"model": "local-agent", **body})
        assert r.status_code == status, r.text
        error = r.json()["error"]
        assert error["param"] == param and error["type"] == "invalid_request_error"
        assert param.split("[")[0].split(".")[0] in error["message"]

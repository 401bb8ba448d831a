"""The store behind previous_response_id: round trip, TTL, persistence."""

from __future__ import annotations

from pathlib import Path

from modules.openai_api.responses_request import stored_conversation, to_chat_body
from modules.openai_api.tool_parse import ToolCall
from modules.service.response_store import ResponseStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_round_trip_and_expiry() -> None:
    clock = Clock()
    store = ResponseStore(None, ttl_s=60, clock=clock)
    store.put("resp_1", [{"role": "user", "content": "hi"}])
    assert store.get("resp_1") == [{"role": "user", "content": "hi"}]
    assert store.get("resp_unknown") is None
    clock.now += 61
    assert store.get("resp_1") is None
    store.put("resp_2", [])
    assert store.count() == 1  # the expired row went with the next write
    store.close()


def test_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "data" / "responses.db"
    first = ResponseStore(path, ttl_s=60)
    first.put("resp_1", [{"role": "user", "content": "é"}])
    first.close()
    second = ResponseStore(path, ttl_s=60)
    assert second.get("resp_1") == [{"role": "user", "content": "é"}]
    second.close()


def test_a_stored_conversation_continues_with_previous_response_id() -> None:
    raw = {"model": "m", "instructions": "I", "input": "What time is it?"}
    call = ToolCall("call_1", "get_time", '{"zone":"UTC"}')
    kept = stored_conversation(raw, [], "Checking.", [call])
    assert kept == [
        {"role": "user", "content": "What time is it?"},
        {
            "role": "assistant",
            "content": "Checking.",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": '{"zone":"UTC"}'},
                }
            ],
        },
    ]
    follow = {
        "model": "m",
        "input": [{"type": "function_call_output", "call_id": "call_1", "output": "12:00"}],
    }
    body = to_chat_body(follow, kept)
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool"]

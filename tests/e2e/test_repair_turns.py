"""A repair turn (the model broke the JSON or tool contract) is a follow-up in the same
upstream chat: the site gets only the repair instruction on post-to-evaluation/{id} of
the chat that held the bad reply, not a new chat with the whole transcript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.upstream.protocol import CREATE_EVALUATION_PATH
from tests.e2e.harness import Bridge, running_bridge

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def _sent(bridge: Bridge) -> list[dict[str, Any]]:
    return list(bridge.arena.state.recorded)


def _assert_repaired_in_the_same_chat(sent: list[dict[str, Any]]) -> None:
    first, repair = sent
    assert first["path"] == CREATE_EVALUATION_PATH
    assert repair["path"].endswith(f"/post-to-evaluation/{first['body']['id']}")
    typed = repair["body"]["userMessage"]["content"]
    assert typed.startswith("Your last reply was not usable") and "BREAK_REPLY" not in typed


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
async def test_a_json_repair_is_a_follow_up_in_the_same_chat(tmp_path: Path, stream: bool) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        asked: Any = {"type": "json_object"}
        ask: Any = [{"role": "user", "content": "BREAK_REPLY Give JSON"}]
        if stream:
            chunks = await bridge.client.chat.completions.create(
                model="local-json", messages=ask, response_format=asked, stream=True
            )
            text = "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
        else:
            reply = await bridge.client.chat.completions.create(
                model="local-json", messages=ask, response_format=asked
            )
            text = reply.choices[0].message.content or ""
        assert json.loads(text)
        _assert_repaired_in_the_same_chat(_sent(bridge))


async def test_a_tool_repair_is_a_follow_up_in_the_same_chat(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        reply = await bridge.client.chat.completions.create(
            model="local-agent",
            messages=[{"role": "user", "content": "BREAK_REPLY weather? Use get_weather."}],
            tools=[WEATHER],
            tool_choice="required",
        )
        assert reply.choices[0].message.tool_calls
        _assert_repaired_in_the_same_chat(_sent(bridge))

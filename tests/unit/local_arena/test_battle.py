"""Battle modes: side-by-side (two named models) and battle (two the arena assigns)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from modules.local_arena import LocalArena, expected_reply
from modules.local_arena.catalog import MODELS
from modules.local_arena.conversation import battle_pair
from modules.local_arena.replies import ReplyInput
from modules.local_arena.reply_registry import reply_text
from modules.upstream import protocol

from .local_arena_support import FAST, MODEL_IDS, ArenaClient, joined, parse_lines, signed_up

B_ID = protocol.MODEL_B_ID_FIELD


@pytest.fixture(params=[False, True], ids=["2026", "legacy"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[ArenaClient]:
    async with LocalArena(FAST, legacy_protocol=request.param) as arena:
        async with signed_up(arena) as signed:
            yield signed


def _reveal(lines: list[tuple[str, Any]], prefix: str) -> str:
    finish = next(data for p, data in lines if p == prefix)
    assert finish[protocol.FINISH_REASON_FIELD] == "stop"
    assert finish[protocol.FINISH_MODEL_ID_FIELD] == MODEL_IDS[finish["modelName"]]
    return finish[protocol.FINISH_MODEL_NAME_FIELD]


async def test_side_by_side_streams_both_interleaved(client: ArenaClient) -> None:
    body = await client.body(text="compare", mode=protocol.MODE_SIDE_BY_SIDE, model="local-poet")
    response = await client.create({**body, B_ID: MODEL_IDS["local-coder"]})
    lines = parse_lines(response.text)
    kinds = [p for p, _ in lines]
    assert kinds[:4] == ["a0", "b0", "a0", "b0"] and kinds[-2:] == ["ad", "bd"]
    assert joined(lines, "a0") == expected_reply("local-poet", "compare")
    assert joined(lines, "b0") == expected_reply("local-coder", "compare")
    assert (_reveal(lines, "ad"), _reveal(lines, "bd")) == ("local-poet", "local-coder")


async def test_side_by_side_needs_both_models(client: ArenaClient) -> None:
    response = await client.create(mode=protocol.MODE_SIDE_BY_SIDE)
    assert response.status_code == 400 and B_ID in response.json()["error"]


async def test_blind_battle_assigns_and_reveals_two_models(client: ArenaClient) -> None:
    body = await client.body(text="who are you", mode=protocol.MODE_BATTLE, model=None)
    lines = parse_lines((await client.create(body)).text)
    a, b = _reveal(lines, "ad"), _reveal(lines, "bd")
    assert a != b
    assert (a, b) == tuple(m["publicName"] for m in battle_pair(MODELS, body["id"]))
    for prefix, name in (("a0", a), ("b0", b)):
        # Any public text model may be drawn, some with logic of their own: ask the registry.
        expected = reply_text(ReplyInput(name, "who are you", conversation="who are you"))
        assert joined(lines, prefix) == expected


async def test_battle_follow_up_keeps_its_models() -> None:
    async with LocalArena(FAST) as arena, signed_up(arena) as client:
        body = await client.body(text="one", mode=protocol.MODE_BATTLE, model=None)
        first = parse_lines((await client.create(body)).text)
        second = parse_lines((await client.follow_up(body["id"], "two", model=None)).text)
    assert _reveal(second, "ad") == _reveal(first, "ad")
    b = _reveal(second, "bd")
    assert b == _reveal(first, "bd")
    conversation = f"one\n\n{joined(first, 'a0')}\n\ntwo"
    assert joined(second, "b0") == reply_text(ReplyInput(b, "two", ("one",), 0, conversation))


def test_battle_pairs_are_public_text_models() -> None:
    for n in range(50):
        a, b = battle_pair(MODELS, f"0199a000-0000-7000-8000-{n:012x}")
        assert a is not b and a["organization"] and b["organization"]
        for m in (a, b):
            assert m["capabilities"]["outputCapabilities"] == {"text": True}

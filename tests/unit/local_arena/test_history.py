"""Bodies and history: the 2026 compact body, server-side turns, ownership, legacy 2025."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from modules.local_arena import LocalArena, expected_reply
from modules.upstream import protocol

from .local_arena_support import (
    FAST,
    TEXT_HEADERS,
    ArenaClient,
    compact_body,
    legacy_body,
    reply_of,
    signed_up,
)

PIXEL = {"name": "dot.png", "contentType": "image/png", "url": "data:image/png;base64,iVBORw0KGgo="}


async def test_follow_ups_see_the_earlier_turns(client: ArenaClient) -> None:
    first = await client.body(text="first")
    assert reply_of(await client.create(first)) == expected_reply("local-echo-1", "first")
    second = await client.follow_up(first["id"], "second")
    assert reply_of(second) == expected_reply("local-echo-1", "second", earlier=1)
    third = await client.follow_up(first["id"], "third")
    assert reply_of(third) == "Echo from local-echo-1 (turn 3, 2 earlier): third"
    other_chat = await client.create(text="fresh")
    assert reply_of(other_chat) == expected_reply("local-echo-1", "fresh")


async def test_only_the_owner_continues_or_retries(arena: LocalArena, client: ArenaClient) -> None:
    first = await client.body(text="first")
    assert (await client.create(first)).status_code == 200
    retry_path = protocol.RETRY_MESSAGE_PATH.format(
        session_id=first["id"], message_id=first["modelAMessageId"]
    )
    async with signed_up(arena) as other:
        stolen = await other.follow_up(first["id"], "mine now")
        stolen_retry = await other.http.put(
            retry_path, content=await _token_body(other), headers=TEXT_HEADERS
        )
        unknown = await other.follow_up(compact_body()["id"], "nothing to continue")
        replaced = await other.create(await other.body(session_id=first["id"]))
    expected = protocol.ERROR_NO_ACCESS.format(user_id=other.user_id, session_id=first["id"])
    assert (stolen.status_code, stolen.json()["error"]) == (401, expected)
    assert stolen_retry.status_code == unknown.status_code == replaced.status_code == 401
    assert (await client.follow_up(first["id"], "second")).status_code == 200
    retried = await client.http.put(
        retry_path, content=await _token_body(client), headers=TEXT_HEADERS
    )
    assert reply_of(retried) == expected_reply("local-echo-1", "second", earlier=1)
    untokened = await client.http.put(retry_path, content=b"{}", headers=TEXT_HEADERS)
    assert untokened.status_code == 403


async def _token_body(client: ArenaClient) -> bytes:
    return json.dumps(await client.signed({})).encode()


def _drop_model(body: dict[str, Any]) -> None:
    del body["modelAId"]


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (_drop_model, "modelAId"),
        (lambda b: b.update(mode=protocol.MODE_DIRECT), protocol.ERROR_DIRECT_ON_NEW_CHAT),
        (lambda b: b.pop("mode"), "new conversation"),
        (lambda b: b.update(mode="solo"), "mode"),
        (lambda b: b.update(id="not-a-uuid"), "id"),
        (lambda b: b.pop("userMessage"), "userMessage"),
        (lambda b: b["userMessage"].update(content=3), "userMessage.content"),
        (lambda b: b["userMessage"].update(experimental_attachments=[{}]), "attachments"),
        (lambda b: b.update(modality="image"), "modality"),
        (lambda b: b.update(modelAId="0199a000-0000-7000-8000-0000000000ff"), "unknown model"),
        (lambda b: b["userMessage"].update(experimental_attachments=[PIXEL]), "image input"),
    ],
)
async def test_malformed_compact_bodies_are_400(client: ArenaClient, mutate, fragment) -> None:  # type: ignore[no-untyped-def]
    body = compact_body()
    mutate(body)
    response = await client.create(await client.signed(body))
    assert response.status_code == 400
    assert fragment in response.json()["error"]


async def test_follow_up_id_must_match_the_path(client: ArenaClient) -> None:
    first = await client.body()
    assert (await client.create(first)).status_code == 200
    body = await client.signed(compact_body(mode=None))
    path = protocol.POST_TO_EVALUATION_PATH.format(session_id=first["id"])
    response = await client.http.post(path, json=body)
    assert response.status_code == 400 and "path" in response.json()["error"]


async def test_non_json_body_is_400(client: ArenaClient) -> None:
    response = await client.http.post(
        protocol.CREATE_EVALUATION_PATH, content=b"{not json", headers=TEXT_HEADERS
    )
    assert response.status_code == 400 and "JSON" in response.json()["error"]


async def test_compact_bodies_and_images_are_recorded(client: ArenaClient) -> None:
    body = await client.body(model="local-echo-large", text="see", attachments=[PIXEL])
    assert reply_of(await client.create(body)) == expected_reply("local-echo-large", "see")
    follow = await client.signed(compact_body("local-echo-large", "more", body["id"], mode=None))
    assert (await client.post_to(follow)).status_code == 200
    recorded = (await client.http.get("/_control/requests")).json()["requests"]
    assert [r["body"] for r in recorded] == [body, follow]
    assert recorded[0]["path"] == protocol.CREATE_EVALUATION_PATH
    assert recorded[1]["path"] == protocol.POST_TO_EVALUATION_PATH.format(session_id=body["id"])
    assert recorded[0]["user_id"] == client.user_id
    assert recorded[0]["body"]["userMessage"]["experimental_attachments"] == [PIXEL]
    limited = (await client.http.get("/_control/requests", params={"limit": 1})).json()
    assert [r["body"] for r in limited["requests"]] == [follow]


async def test_the_2025_body_is_refused_in_2026(client: ArenaClient) -> None:
    tokenless = await client.create(legacy_body())
    assert (tokenless.status_code, tokenless.json()) == (403, {"error": protocol.ERROR_RECAPTCHA})
    tokened = await client.create(await client.signed(legacy_body()))
    assert tokened.status_code == 400
    assert tokened.json() == {"error": protocol.ERROR_DIRECT_ON_NEW_CHAT}


@pytest.fixture
async def legacy() -> AsyncIterator[ArenaClient]:
    async with LocalArena(FAST, legacy_protocol=True) as arena:
        async with signed_up(arena) as signed:
            yield signed


async def test_legacy_mode_takes_tokenless_full_history(legacy: ArenaClient) -> None:
    first = legacy_body(text="first")
    assert reply_of(await legacy.create(first)) == expected_reply("local-echo-1", "first")
    history = first["messages"][:-1]
    second = legacy_body(text="second", session_id=first["id"], history=history)
    assert reply_of(await legacy.post_to(second)) == expected_reply("local-echo-1", "second", 1)
    assert (await legacy.create(compact_body())).status_code == 400  # no messages[]
    recorded = (await legacy.http.get("/_control/requests")).json()["requests"]
    assert [r["body"] for r in recorded] == [first, second]


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (_drop_model, "modelAId"),
        (lambda b: b.update(mode="solo"), "mode"),
        (lambda b: b.update(id="not-a-uuid"), "id"),
        (lambda b: b.update(messages="nope"), "messages"),
        (lambda b: b["messages"].pop(), "messages"),
        (lambda b: b["messages"][-1].update(content="x"), "placeholder"),
        (lambda b: b["messages"][0].update(role="robot"), "role"),
        (lambda b: b.update(modality="image"), "modality"),
        (lambda b: b.update(modelAId="0199a000-0000-7000-8000-0000000000ff"), "unknown model"),
    ],
)
async def test_malformed_legacy_bodies_are_400(legacy: ArenaClient, mutate, fragment) -> None:  # type: ignore[no-untyped-def]
    body = legacy_body()
    mutate(body)
    response = await legacy.create(body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


async def test_legacy_require_page_token(legacy: ArenaClient) -> None:
    await legacy.http.post("/_control", json={"require_page_token": True})
    refused = await legacy.create(legacy_body())
    empty = await legacy.create(legacy_body(**{protocol.PAGE_TOKEN_FIELD: ""}))
    signed = await legacy.create(legacy_body(**{protocol.PAGE_TOKEN_FIELD: "page-made"}))
    assert (refused.status_code, refused.json()) == (403, {"error": protocol.ERROR_RECAPTCHA})
    assert empty.status_code == 403 and signed.status_code == 200


async def test_reply_logic_sees_the_kept_conversation(arena: LocalArena) -> None:
    async with signed_up(arena) as client:
        first = await client.body(text="first")
        await client.create(first)
        await client.follow_up(first["id"], "second")
    (evaluation,) = arena.state.sessions.evaluations.values()
    reply = expected_reply("local-echo-1", "first")
    assert evaluation.conversation() == f"first\n\n{reply}\n\nsecond"
    assert evaluation.earlier_texts() == ("first",)

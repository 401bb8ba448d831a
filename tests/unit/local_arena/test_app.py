"""The local arena against a real in-process uvicorn: page, sessions, stream protocol."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

import modules.local_arena as local_arena
from modules.local_arena import ArenaSettings, Knobs, LocalArena, expected_reply
from modules.local_arena.catalog import MODELS
from modules.local_arena.replies import expected_reasoning, tokenize
from modules.local_arena.sessions import auth_cookie_parts, encode_session, user_id_from_cookies
from modules.upstream import protocol

from .local_arena_support import (
    TEXT_HEADERS,
    create,
    joined,
    make_body,
    parse_lines,
    post_to,
    signed_up,
    user_id,
)

FAST = ArenaSettings(knobs=Knobs(tokens_per_s=2000, ttft_ms=0))


@pytest.fixture
async def arena() -> AsyncIterator[LocalArena]:
    async with LocalArena(FAST) as running:
        yield running


@pytest.fixture
async def client(arena: LocalArena) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_up(arena.url) as signed:
        yield signed


def test_public_api_is_guarded() -> None:
    for name in ("Knobs", "ArenaSettings", "create_arena_app", "LocalArena", "expected_reply"):
        assert name in local_arena.__all__
        assert hasattr(local_arena, name)


@pytest.mark.parametrize("text", ["", "one", "  lead and trail  ", "a\nb\tc ü 🎉", "x  y"])
def test_tokens_rebuild_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


def test_expected_reply_is_deterministic() -> None:
    assert expected_reply("m", "hi") == "Echo from m: hi"
    assert expected_reply("m", "  ") == expected_reply("m", "")
    assert "m" in expected_reply("m", "")


def test_catalog_has_the_special_models() -> None:
    assert len(MODELS) == 14
    assert len({m["id"] for m in MODELS}) == 14
    outputs = [m["capabilities"]["outputCapabilities"] for m in MODELS]
    assert sum(bool(o.get("image")) for o in outputs) == 1
    assert sum(bool(o.get("search")) for o in outputs) == 1
    assert [m["publicName"] for m in MODELS if not m.get("organization")] == ["local-stealth"]


async def test_home_page_embeds_escaped_initial_models(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        page = await anon.get("/")
    assert page.status_code == 200
    assert "<title>LMArena (local)</title>" in page.text
    # The models appear only as an escaped string inside Next.js flight data.
    assert '\\"initialModels\\":[{\\"id\\":\\"' in page.text
    assert '"initialModels"' not in page.text
    literal = re.search(r'self\.__next_f\.push\(\[1,("(?:[^"\\]|\\.)*")\]\)', page.text)
    assert literal is not None
    row = json.loads(literal.group(1))
    embedded = json.loads(row.split(":", 1)[1])[3][protocol.INITIAL_MODELS_KEY]
    assert embedded == list(MODELS)
    assert "document.body.dataset.session = 'ready'" in page.text
    assert protocol.ANONYMOUS_SIGNUP_PATH in page.text


async def test_sign_up_sets_split_readable_cookies(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        response = await anon.post(protocol.ANONYMOUS_SIGNUP_PATH)
        cookies = dict(anon.cookies)
    headers = response.headers.get_list("set-cookie")
    names = [h.split("=", 1)[0] for h in headers]
    assert names[:2] == [f"{protocol.AUTH_COOKIE}.0", f"{protocol.AUTH_COOKIE}.1"]
    assert protocol.PROVISIONAL_USER_COOKIE in names
    for header in headers:
        lowered = header.lower()
        assert "path=/" in lowered and "samesite=lax" in lowered and "httponly" not in lowered
    assert len(cookies[f"{protocol.AUTH_COOKIE}.0"]) == protocol.AUTH_COOKIE_CHUNK
    uid = response.json()["user"]["id"]
    assert user_id_from_cookies(cookies) == uid == cookies[protocol.PROVISIONAL_USER_COOKIE]
    assert arena.state.sessions.users[uid].order == 1


def test_cookie_decoder_variants() -> None:
    value = encode_session("user-1")
    assert len(value) > protocol.AUTH_COOKIE_CHUNK
    assert user_id_from_cookies(auth_cookie_parts(value)) == "user-1"
    assert user_id_from_cookies({protocol.AUTH_COOKIE: value}) == "user-1"
    padded = protocol.AUTH_COOKIE_PREFIX + base64.b64encode(b'{"user": {"id": "u2"}}').decode()
    assert user_id_from_cookies({protocol.AUTH_COOKIE: padded}) == "u2"
    parts = auth_cookie_parts(value)
    del parts[f"{protocol.AUTH_COOKIE}.0"]
    assert user_id_from_cookies(parts) is None
    assert user_id_from_cookies({protocol.AUTH_COOKIE: "base64-!!!"}) is None
    assert user_id_from_cookies({}) is None


async def test_stream_without_or_with_unknown_session_is_401(arena: LocalArena) -> None:
    forged = auth_cookie_parts(encode_session("not-a-user"))
    for cookies in ({}, forged):
        async with httpx.AsyncClient(base_url=arena.url, cookies=cookies) as anon:
            response = await create(anon, make_body())
        assert response.status_code == 401
        assert response.json() == {"error": "Unauthorized"}


async def test_stream_lines_are_exact(client: httpx.AsyncClient) -> None:
    text = 'Rivers "flow"\nfar — ünïcode 🎉'
    response = await create(client, make_body(text=text))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "content-length" not in response.headers
    raw = response.text.splitlines()
    assert raw[-1] == 'ad:{"finishReason":"stop"}'
    assert all(line.startswith('a0:"') for line in raw[:-1])
    lines = parse_lines(response.text)
    assert [data for _, data in lines[:-1]] == tokenize(expected_reply("local-echo-1", text))
    assert joined(lines, "a0") == expected_reply("local-echo-1", text)


async def test_reasoning_model_thinks_first(client: httpx.AsyncClient) -> None:
    response = await create(client, make_body("local-thinker", "why is the sky blue"))
    lines = parse_lines(response.text)
    kinds = [p for p, _ in lines]
    assert kinds[0] == "ag" and kinds.index("a0") == kinds.count("ag")
    assert joined(lines, "ag") == expected_reasoning("local-thinker", "why is the sky blue")
    assert joined(lines, "a0") == expected_reply("local-thinker", "why is the sky blue")


async def test_image_model_returns_a_served_image(client: httpx.AsyncClient) -> None:
    response = await create(client, make_body("local-painter", "a cat", modality="image"))
    lines = parse_lines(response.text)
    images = [data for p, data in lines if p == "a2"]
    assert len(images) == 1 and images[0][0]["type"] == "image"
    url = images[0][0]["image"]
    assert url.startswith(str(client.base_url)) and "/_images/" in url
    png = await client.get(url)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert lines[-1] == ("ad", {"finishReason": "stop"})


async def test_search_model_returns_citations(client: httpx.AsyncClient) -> None:
    response = await create(client, make_body("local-searcher", "news", modality="search"))
    citations = [data for p, data in parse_lines(response.text) if p == "ac"]
    assert len(citations) == 1 and citations[0]["sources"][0]["url"].startswith("https://")


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda b: b.pop("modelAId"), "modelAId"),
        (lambda b: b.update(mode="battle"), "mode"),
        (lambda b: b.update(id="not-a-uuid"), "id"),
        (lambda b: b.update(messages="nope"), "messages"),
        (lambda b: b["messages"].pop(), "messages"),
        (lambda b: b["messages"][-1].update(content="x"), "placeholder"),
        (lambda b: b["messages"][0].update(role="robot"), "role"),
        (lambda b: b.update(modality="image"), "modality"),
        (lambda b: b.update(modelAId="0199a000-0000-7000-8000-0000000000ff"), "unknown model"),
    ],
)
async def test_malformed_bodies_are_400(client: httpx.AsyncClient, mutate, fragment) -> None:  # type: ignore[no-untyped-def]
    body = make_body()
    mutate(body)
    response = await create(client, body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


async def test_non_json_body_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        protocol.CREATE_EVALUATION_PATH, content=b"{not json", headers=TEXT_HEADERS
    )
    assert response.status_code == 400 and "JSON" in response.json()["error"]


async def test_forbidden_word_is_rejected(client: httpx.AsyncClient) -> None:
    response = await create(client, make_body(text="say FORBIDDEN things"))
    assert response.status_code == 422
    assert response.json() == {"error": protocol.ERROR_CONTENT_REJECTED}


async def test_session_ownership(arena: LocalArena, client: httpx.AsyncClient) -> None:
    first = make_body(text="first")
    assert (await create(client, first)).status_code == 200
    follow_up = make_body(text="second", session_id=first["id"], history=first["messages"][:-1])
    ok = await post_to(client, follow_up)
    assert joined(parse_lines(ok.text), "a0") == expected_reply("local-echo-1", "second")
    async with signed_up(arena.url) as other:
        stolen = await post_to(other, follow_up)
        retry_path = protocol.RETRY_MESSAGE_PATH.format(
            session_id=first["id"], message_id=follow_up["modelAMessageId"]
        )
        stolen_retry = await other.put(retry_path, content=b"{}", headers=TEXT_HEADERS)
        unknown = await post_to(other, make_body())
    expected = protocol.ERROR_NO_ACCESS.format(user_id=user_id(other), session_id=first["id"])
    assert (stolen.status_code, stolen.json()["error"]) == (401, expected)
    assert stolen_retry.status_code == 401
    assert unknown.status_code == 401
    retried = await client.put(retry_path, content=b"{}", headers=TEXT_HEADERS)
    assert joined(parse_lines(retried.text), "a0") == expected_reply("local-echo-1", "second")


async def test_requests_are_recorded(client: httpx.AsyncClient) -> None:
    bodies = [make_body(text=f"message {n}") for n in range(3)]
    for body in bodies:
        assert (await create(client, body)).status_code == 200
    recorded = (await client.get("/_control/requests", params={"limit": 2})).json()["requests"]
    assert [r["body"] for r in recorded] == bodies[1:]
    assert recorded[0]["path"] == protocol.CREATE_EVALUATION_PATH
    assert recorded[0]["user_id"] == user_id(client)


async def test_arena_stops_cleanly() -> None:
    async with LocalArena(FAST) as arena:
        async with signed_up(arena.url) as signed:
            await create(signed, make_body())
        url = arena.url
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not [t for t in others if t.get_name() == "local-arena"]
    async with httpx.AsyncClient() as anon:
        with pytest.raises(httpx.ConnectError):
            await anon.get(url)

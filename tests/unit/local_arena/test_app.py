"""The local arena against a real in-process uvicorn: page, sessions, stream protocol."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket

import httpx
import pytest

import modules.local_arena as local_arena
from modules.local_arena import LocalArena, expected_reply
from modules.local_arena.catalog import MODELS
from modules.local_arena.replies import expected_reasoning, tokenize
from modules.local_arena.sessions import auth_cookie_parts, encode_session, user_id_from_cookies
from modules.upstream import protocol

from .local_arena_support import (
    FAST,
    ArenaClient,
    compact_body,
    joined,
    parse_lines,
    reply_of,
    signed_up,
    visit,
)


def test_public_api_is_guarded() -> None:
    for name in ("Knobs", "ArenaSettings", "create_arena_app", "LocalArena", "expected_reply"):
        assert name in local_arena.__all__
        assert hasattr(local_arena, name)


@pytest.mark.parametrize("text", ["", "one", "  lead and trail  ", "a\nb\tc ü 🎉", "x  y"])
def test_tokens_rebuild_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


def test_expected_reply_is_deterministic() -> None:
    assert expected_reply("m", "hi") == "Echo from m: hi"
    assert expected_reply("m", "hi", earlier=0) == "Echo from m: hi"
    assert expected_reply("m", "hi", earlier=2) == "Echo from m (turn 3, 2 earlier): hi"
    assert expected_reply("m", "  ") == expected_reply("m", "")
    assert "m" in expected_reply("m", "")


def test_catalog_has_the_special_models() -> None:
    assert len(MODELS) == 14
    assert len({m["id"] for m in MODELS}) == 14
    outputs = [m["capabilities"]["outputCapabilities"] for m in MODELS]
    assert sum(bool(o.get("image")) for o in outputs) == 1
    assert sum(bool(o.get("search")) for o in outputs) == 1
    assert [m["publicName"] for m in MODELS if not m.get("organization")] == ["local-stealth"]


@pytest.mark.parametrize("path", ["/", protocol.CHAT_PAGE_PATH])
async def test_pages_embed_escaped_initial_models(arena: LocalArena, path: str) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        page = await anon.get(path)
        head = await anon.head(path)
    assert page.status_code == head.status_code == 200 and head.content == b""
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


async def test_chat_page_has_composer_and_preselects_the_model(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        query = {protocol.CHAT_MODEL_PARAM: "local-poet"}
        page = (await anon.get(protocol.CHAT_PAGE_PATH, params=query)).text
        plain = (await anon.get(protocol.CHAT_PAGE_PATH)).text
    poet = next(m["id"] for m in MODELS if m["publicName"] == "local-poet")
    assert f'<option value="{poet}" selected>local-poet</option>' in page
    assert " selected>" not in plain
    for marker in ("<textarea", 'type="file"', 'type="submit"', protocol.RECAPTCHA_SCRIPT_MARKER):
        assert marker in page
    assert protocol.MODE_DIRECT_BATTLE in page and 'data-protocol="2026"' in page


async def test_legacy_page_has_no_recaptcha() -> None:
    async with LocalArena(FAST, legacy_protocol=True) as arena:
        async with httpx.AsyncClient(base_url=arena.url) as anon:
            page = (await anon.get(protocol.CHAT_PAGE_PATH)).text
    assert protocol.RECAPTCHA_SCRIPT_MARKER not in page and 'data-protocol="2025"' in page
    assert "<textarea" in page


async def test_sign_up_sets_split_readable_cookies(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        await visit(anon)
        token = await ArenaClient(anon, False).token(protocol.RECAPTCHA_ACTION_SIGN_UP)
        body = json.dumps({protocol.PAGE_TOKEN_FIELD: token})
        response = await anon.post(protocol.ANONYMOUS_SIGNUP_PATH, content=body)
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
            response = await ArenaClient(anon, False).create(compact_body())
        assert response.status_code == 401
        assert response.json() == {"error": "Unauthorized"}


async def test_stream_lines_are_exact(client: ArenaClient) -> None:
    text = 'Rivers "flow"\nfar — ünïcode 🎉'
    response = await client.create(text=text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "content-length" not in response.headers
    raw = response.text.splitlines()
    assert raw[-1] == 'ad:{"finishReason":"stop"}'
    assert all(line.startswith('a0:"') for line in raw[:-1])
    lines = parse_lines(response.text)
    assert [data for _, data in lines[:-1]] == tokenize(expected_reply("local-echo-1", text))
    assert joined(lines, "a0") == expected_reply("local-echo-1", text)


async def test_reasoning_model_thinks_first(client: ArenaClient) -> None:
    response = await client.create(model="local-thinker", text="why is the sky blue")
    lines = parse_lines(response.text)
    kinds = [p for p, _ in lines]
    assert kinds[0] == "ag" and kinds.index("a0") == kinds.count("ag")
    assert joined(lines, "ag") == expected_reasoning("local-thinker", "why is the sky blue")
    assert joined(lines, "a0") == expected_reply("local-thinker", "why is the sky blue")


async def test_image_model_returns_a_served_image(client: ArenaClient) -> None:
    response = await client.create(model="local-painter", text="a cat", modality="image")
    lines = parse_lines(response.text)
    images = [data for p, data in lines if p == "a2"]
    assert len(images) == 1 and images[0][0]["type"] == "image"
    url = images[0][0]["image"]
    assert url.startswith(str(client.http.base_url)) and "/_images/" in url
    png = await client.http.get(url)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert lines[-1] == ("ad", {"finishReason": "stop"})


async def test_search_model_returns_citations(client: ArenaClient) -> None:
    response = await client.create(model="local-searcher", text="news", modality="search")
    citations = [data for p, data in parse_lines(response.text) if p == "ac"]
    assert len(citations) == 1 and citations[0]["sources"][0]["url"].startswith("https://")


async def test_forbidden_word_is_rejected(client: ArenaClient) -> None:
    response = await client.create(text="say FORBIDDEN things")
    assert response.status_code == 422
    assert response.json() == {"error": protocol.ERROR_CONTENT_REJECTED}


async def test_arena_stops_cleanly() -> None:
    async with LocalArena(FAST) as arena:
        async with signed_up(arena) as signed:
            assert reply_of(await signed.create())
        url = arena.url
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not [t for t in others if t.get_name() == "local-arena"]
    async with httpx.AsyncClient() as anon:
        with pytest.raises(httpx.ConnectError):
            await anon.get(url)


async def test_connections_send_without_nagle_delay(arena: LocalArena) -> None:
    # Small writes (headers, then each stream line) must leave at once, not wait ~40 ms
    # for the peer's delayed ACK.
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        assert (await anon.get(protocol.ME_PATH)).status_code == 401
        server = arena._server
        assert server is not None and server.server_state.connections
        for connection in server.server_state.connections:
            sock = connection.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

"""The 2026 gates: reCAPTCHA tokens on sends and sign-up, direct mode, /api/me."""

from __future__ import annotations

import json

import httpx
import pytest

from modules.local_arena import LocalArena
from modules.local_arena.page_html import SITE_KEY
from modules.local_arena.recaptcha_tokens import TOKEN_TTL_S
from modules.upstream import protocol

from .local_arena_support import ArenaClient, compact_body, reply_of, signed_up, visit

REFUSED = (403, {"error": protocol.ERROR_RECAPTCHA})


def _answer(response: httpx.Response) -> tuple[int, object]:
    return response.status_code, response.json()


async def _with_token(client: ArenaClient, token: object) -> httpx.Response:
    return await client.create({**compact_body(), protocol.PAGE_TOKEN_FIELD: token})


async def test_a_fresh_token_works_once(client: ArenaClient) -> None:
    token = await client.token()
    assert reply_of(await _with_token(client, token))
    assert _answer(await _with_token(client, token)) == REFUSED


@pytest.mark.parametrize("token", [None, "", "03Aforged", 42])
async def test_missing_or_unknown_token(client: ArenaClient, token: object) -> None:
    assert _answer(await _with_token(client, token)) == REFUSED


async def test_token_expires_after_120_s(arena: LocalArena, client: ArenaClient) -> None:
    now = [1_000_000.0]
    arena.state.clock = lambda: now[0]
    fresh, stale = await client.token(), await client.token()
    now[0] += TOKEN_TTL_S - 1
    assert reply_of(await _with_token(client, fresh))
    now[0] += 2
    assert _answer(await _with_token(client, stale)) == REFUSED


async def test_token_of_another_browser_or_user(arena: LocalArena, client: ArenaClient) -> None:
    async with signed_up(arena) as other:
        theirs = await other.token()
        assert _answer(await _with_token(client, theirs)) == REFUSED
        # Same browser (visitor cookie), other user's session: still foreign.
        visitor = protocol.LOCAL_RECAPTCHA_VISITOR_COOKIE
        other.http.cookies.set(visitor, client.http.cookies[visitor])
        assert _answer(await _with_token(client, await other.token())) == REFUSED
    async with httpx.AsyncClient(base_url=client.http.base_url) as anon:
        await visit(anon)
        before_sign_up = await ArenaClient(anon, False).token()
    assert _answer(await _with_token(client, before_sign_up)) == REFUSED


async def test_token_for_another_action(client: ArenaClient) -> None:
    sign_up_token = await client.token(protocol.RECAPTCHA_ACTION_SIGN_UP)
    assert _answer(await _with_token(client, sign_up_token)) == REFUSED
    chat_token = await client.token()
    body = json.dumps({protocol.PAGE_TOKEN_FIELD: chat_token})
    signup = await client.http.post(protocol.ANONYMOUS_SIGNUP_PATH, content=body)
    assert _answer(signup) == REFUSED


async def test_refusals_are_counted_per_identity(arena: LocalArena, client: ArenaClient) -> None:
    await _with_token(client, None)
    assert reply_of(await client.create())
    mine = (await client.http.get("/_control")).json()["sessions"][0]
    assert mine["user_id"] == client.user_id
    assert (mine["accepted"], mine["refusals"]) == (1, {"recaptcha": 1})
    assert [(a["status"], a["outcome"]) for a in mine["attempts"]] == [
        (403, "recaptcha"),
        (200, "accepted"),
    ]


async def test_direct_mode_only_continues_a_chat(client: ArenaClient) -> None:
    direct = await client.create(await client.body(mode=protocol.MODE_DIRECT))
    assert _answer(direct) == (400, {"error": protocol.ERROR_DIRECT_ON_NEW_CHAT})
    first = await client.body(text="one")
    assert (await client.create(first)).status_code == 200
    body = compact_body(text="two", session_id=first["id"], mode=protocol.MODE_DIRECT)
    assert (await client.post_to(await client.signed(body))).status_code == 200


async def test_sign_up_needs_a_sign_up_token(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        assert _answer(await anon.post(protocol.ANONYMOUS_SIGNUP_PATH)) == REFUSED
        asked = {"sitekey": SITE_KEY, "action": protocol.RECAPTCHA_ACTION_SIGN_UP}
        no_cookie = await anon.post(protocol.LOCAL_RECAPTCHA_TOKEN_PATH, json=asked)
        assert no_cookie.status_code == 400 and "page" in no_cookie.json()["error"]
        await visit(anon)
        for bad in ({**asked, "sitekey": "other"}, {**asked, "action": ""}, []):
            response = await anon.post(protocol.LOCAL_RECAPTCHA_TOKEN_PATH, json=bad)
            assert response.status_code == 400
    assert arena.state.sessions.users == {}


async def test_recaptcha_script_defines_the_enterprise_calls(arena: LocalArena) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        script = await anon.get(protocol.LOCAL_RECAPTCHA_SCRIPT_PATH, params={"render": SITE_KEY})
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    for name in (
        "grecaptcha",
        "enterprise",
        "ready",
        "execute",
        protocol.LOCAL_RECAPTCHA_TOKEN_PATH,
    ):
        assert name in script.text


async def test_me_checks_the_session_without_spending(arena: LocalArena) -> None:
    async with signed_up(arena) as client:
        for _ in range(3):
            me = await client.http.get(protocol.ME_PATH)
            assert _answer(me) == (200, {"user": {"id": client.user_id, "is_anonymous": True}})
        state = (await client.http.get("/_control")).json()
    assert state["total_requests"] == 0 and state["sessions"][0]["attempts"] == []
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        assert _answer(await anon.get(protocol.ME_PATH)) == (401, {"error": "Unauthorized"})

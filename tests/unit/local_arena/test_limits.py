"""Limits per identity: the ratelimit headers' quota and the risk model's flag."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from modules.local_arena import LocalArena
from modules.local_arena.knobs import Quota, Risk
from modules.local_arena.quota import QuotaWindow
from modules.local_arena.recaptcha_tokens import TokenBook
from modules.local_arena.risk import Attempt, Standing
from modules.upstream import protocol

from .local_arena_support import ArenaClient, reply_of, signed_up

RISK = Risk(max_sends=2, window_s=60, flag_s=100)


def test_token_book_says_why_a_token_fails() -> None:
    book = TokenBook(ttl_s=120)
    ask = {"visitor": "v1", "user_id": "u1", "action": "chat_submit"}
    good = book.issue("v1", "u1", "chat_submit", now=0)
    assert book.redeem(good, **ask, now=119) is None
    assert book.redeem(good, **ask, now=119) == "reused"
    assert book.redeem(book.issue("v1", "u1", "chat_submit", 0), **ask, now=121) == "expired"
    assert book.redeem(book.issue("v2", "u1", "chat_submit", 0), **ask, now=1) == "foreign"
    assert book.redeem(book.issue("v1", "u2", "chat_submit", 0), **ask, now=1) == "foreign"
    assert book.redeem(book.issue("v1", "u1", "sign_up", 0), **ask, now=1) == "wrong action"
    sign_up = {**ask, "user_id": None, "action": "sign_up"}
    assert book.redeem(book.issue("v1", None, "sign_up", 0), **sign_up, now=1) is None
    assert book.redeem(None, **ask, now=1) == "missing"
    assert book.redeem("03Anever", **ask, now=1) == "unknown"


def test_risk_flags_after_k_sends_and_every_attempt_extends_it() -> None:
    standing = Standing()
    assert [standing.admit(RISK, t) for t in (0, 10)] == [True, True]
    assert not standing.admit(RISK, 20)  # the third send within 60 s
    assert standing.flagged_until == 120 and standing.flags == 1
    assert not standing.admit(RISK, 119)  # an attempt while flagged extends the flag
    assert standing.flagged_until == 219
    assert standing.admit(RISK, 219) and standing.flags == 1
    assert standing.admit(None, 220)  # no risk model, no refusals
    standing.log(Attempt(1.0, "/x", 403, "flagged"))
    standing.log(Attempt(2.0, "/x", 200, "accepted"))
    snap = standing.snapshot(now=221)
    assert (snap["accepted"], snap["refusals"], snap["flagged"]) == (1, {"flagged": 1}, False)


def test_quota_window_counts_down_and_resets() -> None:
    quota, window = Quota(limit=2, window_s=300), QuotaWindow()
    assert window.take(quota, 0) and window.take(quota, 10)
    assert not window.take(quota, 20)
    headers = window.headers(quota, 20)
    assert headers == {
        protocol.RATELIMIT_HEADER: "limit=2, remaining=0, reset=280",
        protocol.RATELIMIT_POLICY_HEADER: "2;w=300",
    }
    assert window.take(quota, 300) and window.headers(quota, 300)[protocol.RATELIMIT_HEADER] == (
        "limit=2, remaining=1, reset=300"
    )


async def test_stream_responses_carry_ratelimit_headers(arena: LocalArena) -> None:
    async with signed_up(arena) as client, signed_up(arena) as other:
        first, second = await client.create(), await client.create()
        bystander = await other.create()
    assert first.headers["ratelimit"].startswith("limit=1800, remaining=1799, reset=")
    assert second.headers["ratelimit"].startswith("limit=1800, remaining=1798, reset=")
    assert bystander.headers["ratelimit"].startswith("limit=1800, remaining=1799, reset=")
    assert first.headers["ratelimit-policy"] == "1800;w=300"


async def test_spent_quota_is_429_with_retry_after(arena: LocalArena) -> None:
    arena.set_knobs(quota={"limit": 2, "window_s": 30})
    async with signed_up(arena) as client:
        assert [(await client.create()).status_code for _ in range(2)] == [200, 200]
        spent = await client.create()
        refused_token = await client.create({})  # no body, no token: still counted first
    assert (spent.status_code, spent.json()) == (429, {"error": protocol.ERROR_TOO_MANY_REQUESTS})
    assert 1 <= int(spent.headers["Retry-After"]) <= 30
    assert (
        spent.headers["ratelimit"] == f"limit=2, remaining=0, reset={spent.headers['Retry-After']}"
    )
    assert refused_token.status_code == 429


async def _standing(client: ArenaClient) -> dict[str, Any]:
    sessions = (await client.http.get("/_control")).json()["sessions"]
    return next(s for s in sessions if s["user_id"] == client.user_id)


@pytest.mark.parametrize(
    ("refusal", "answer"),
    [
        ("recaptcha", (403, {"error": protocol.ERROR_RECAPTCHA})),
        ("prompt_failed", (429, {"error": protocol.ERROR_PROMPT_FAILED})),
    ],
)
async def test_risk_flag_refuses_and_extends(arena: LocalArena, refusal: str, answer: Any) -> None:
    now = [5000.0]
    arena.state.clock = lambda: now[0]
    arena.set_knobs(risk={"max_sends": 2, "window_s": 60, "flag_s": 100, "refusal": refusal})
    async with signed_up(arena) as client, signed_up(arena) as bystander:
        assert reply_of(await client.create()) and reply_of(await client.create())
        flagged = await client.create()
        assert (flagged.status_code, flagged.json()) == answer
        assert "Retry-After" not in flagged.headers
        now[0] += 99
        assert (await client.create()).status_code == answer[0]  # extends to 5199
        now[0] += 99
        assert (await client.create()).status_code == answer[0]  # still flagged: 5298
        assert reply_of(await bystander.create())
        standing = await _standing(client)
        now[0] += 100
        assert reply_of(await client.create())
    assert standing["flagged_until"] == 5298 and standing["flagged"]
    assert (standing["accepted"], standing["refusals"]) == (2, {"flagged": 3})
    times = [a["time"] for a in standing["attempts"]]
    assert times == [5000, 5000, 5000, 5099, 5198]
    assert [a["outcome"] for a in standing["attempts"]][-1] == "flagged"
    async with httpx.AsyncClient(base_url=arena.url) as control:
        asked = {"user_id": client.user_id, "since": 5001, "until": 5298}
        window = (await control.get("/_control/attempts", params=asked)).json()
        quiet = {**asked, "since": 5199}
        none = (await control.get("/_control/attempts", params=quiet)).json()
        unknown = await control.get("/_control/attempts", params={"user_id": "nobody"})
    assert [a["time"] for a in window["attempts"]] == [5099, 5198] and window["count"] == 2
    assert none == {"user_id": client.user_id, "count": 0, "attempts": []}
    assert unknown.status_code == 404


async def test_a_flag_blocks_the_sites_own_page_flow(arena: LocalArena) -> None:
    arena.set_knobs(risk={"max_sends": 0, "window_s": 60, "flag_s": 100})
    async with signed_up(arena) as client:
        refused = await client.create()
        me = await client.http.get(protocol.ME_PATH)
        state = (await client.http.get("/_control")).json()
    assert refused.status_code == 403 and me.status_code == 200
    assert state["sessions"][0]["flagged"] and state["sessions"][0]["flags"] == 1
    arena.set_knobs(reset=True)
    assert not arena.state.sessions.users[client.user_id].standing.flagged(arena.state.clock())

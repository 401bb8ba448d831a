"""Every local-arena knob, driven through `/_control` and `LocalArena.set_knobs`, in the
2026 protocol and in the legacy 2025 one."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from modules.local_arena import LocalArena, expected_reply
from modules.local_arena.__main__ import _parse_args, _start_knobs
from modules.local_arena.replies import tokenize
from modules.upstream import protocol
from tests.support import ROOT
from tests.support.polling import wait_for

from .local_arena_support import FAST, ArenaClient, joined, parse_lines, signed_up

REPLY_TOKENS = tokenize(expected_reply("local-echo-1", "hello arena"))


@pytest.fixture(params=[False, True], ids=["2026", "legacy"])
async def arena(request: pytest.FixtureRequest) -> AsyncIterator[LocalArena]:
    async with LocalArena(FAST, legacy_protocol=request.param) as running:
        yield running


async def stream_new_chat(client: ArenaClient) -> tuple[str, str]:
    """Path and body of a new chat, for tests that read the stream themselves."""
    return protocol.CREATE_EVALUATION_PATH, json.dumps(await client.body())


async def control(arena: LocalArena, update: object) -> httpx.Response:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        return await anon.post("/_control", content=json.dumps(update))


async def snapshot(arena: LocalArena) -> dict:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        return (await anon.get("/_control")).json()


async def test_rate_limit_per_user_with_retry_after(arena: LocalArena) -> None:
    answer = await control(arena, {"rate_limit": {"max_requests": 2, "window_s": 30}})
    assert answer.json()["knobs"]["rate_limit"]["max_requests"] == 2
    async with signed_up(arena) as one, signed_up(arena) as two:
        statuses = [(await one.create()).status_code for _ in range(2)]
        limited = await one.create()
        other = await two.create()
    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert limited.json() == {"error": protocol.ERROR_TOO_MANY_REQUESTS}
    assert 1 <= int(limited.headers["Retry-After"]) <= 30
    assert other.status_code == 200
    arena.set_knobs(rate_limit={"max_requests": 0, "retry_after_s": 7})
    async with signed_up(arena) as three:
        assert (await three.create()).headers["Retry-After"] == "7"


async def test_fail_next_counts_down(arena: LocalArena) -> None:
    await control(arena, {"fail_next": {"status": 503, "count": 2}})
    async with signed_up(arena) as client:
        first, second, third = [await client.create() for _ in range(3)]
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    assert first.json() == {"error": "Internal Server Error"}
    assert (await snapshot(arena))["knobs"]["fail_next"] is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (403, {"error": protocol.ERROR_RECAPTCHA}),
        (413, {"error": "Request Entity Too Large"}),
        (422, {"error": protocol.ERROR_CONTENT_REJECTED}),
        (429, {"error": protocol.ERROR_TOO_MANY_REQUESTS}),
    ],
)
async def test_fail_next_default_bodies(arena: LocalArena, status: int, expected: dict) -> None:
    arena.set_knobs(fail_next={"status": status})
    async with signed_up(arena) as client:
        response = await client.create()
    assert (response.status_code, response.json()) == (status, expected)
    assert ("Retry-After" in response.headers) == (status == 429)


async def test_fail_next_for_chosen_sessions_and_custom_body(arena: LocalArena) -> None:
    async with signed_up(arena) as target, signed_up(arena) as bystander:
        arena.set_knobs(
            fail_next={"status": 500, "body": "<html>oops</html>", "sessions": [target.user_id]}
        )
        spared = await bystander.create()
        hit = await target.create()
        arena.set_knobs(fail_next={"status": 401})
        expired = await target.create()
    assert spared.status_code == 200
    assert (hit.status_code, hit.text) == (500, "<html>oops</html>")
    assert hit.headers["content-type"].startswith("text/html")
    assert expired.status_code == 401
    assert f"User {target.user_id} does not have access" in expired.json()["error"]


async def test_error_midstream(arena: LocalArena) -> None:
    arena.set_knobs(error_midstream={"after_tokens": 2})
    async with signed_up(arena) as client:
        response = await client.create()
    lines = parse_lines(response.text)
    assert [p for p, _ in lines] == ["a0", "a0", "a3"]
    assert lines[-1][1] == protocol.ERROR_RESOURCE_EXHAUSTED
    assert joined(lines, "a0") == "".join(REPLY_TOKENS[:2])


async def test_stall_keeps_the_connection_open_until_the_client_leaves(arena: LocalArena) -> None:
    arena.set_knobs(stall_after_tokens=1)
    received: list[str] = []
    timeout = httpx.Timeout(5, read=0.3)
    async with signed_up(arena, timeout=timeout) as client:
        with pytest.raises(httpx.ReadTimeout):
            path, body = await stream_new_chat(client)
            async with client.http.stream("POST", path, content=body) as response:
                async for line in response.aiter_lines():
                    received.append(line)
                    assert (await snapshot(arena))["active_streams"] == 1
    assert received == [f"a0:{json.dumps(REPLY_TOKENS[0])}"]

    async def released() -> bool:
        return (await snapshot(arena))["active_streams"] == 0

    await wait_for(released, 3)


async def test_arena_exit_ends_a_stall_promptly() -> None:
    arena = LocalArena(FAST)
    await arena.__aenter__()
    arena.set_knobs(stall_after_tokens=0)
    async with signed_up(arena) as client:
        path, body = await stream_new_chat(client)
        async with client.http.stream("POST", path, content=body) as response:
            assert response.status_code == 200  # headers sent, body stalled
            started = time.monotonic()
            await arena.__aexit__(None, None, None)
            with pytest.raises(httpx.RemoteProtocolError):
                await response.aread()
    assert time.monotonic() - started < 1.5


async def test_cut_drops_the_connection_mid_body(arena: LocalArena) -> None:
    arena.set_knobs(cut_after_tokens=2)
    received: list[str] = []
    async with signed_up(arena) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            path, body = await stream_new_chat(client)
            async with client.http.stream("POST", path, content=body) as response:
                assert response.status_code == 200
                async for line in response.aiter_lines():
                    received.append(line)
        assert len(received) == 2
        arena.set_knobs(cut_after_tokens=None)
        assert (await client.create()).status_code == 200


async def test_challenge_for_one_session(arena: LocalArena) -> None:
    async with signed_up(arena) as target, signed_up(arena) as bystander:
        await control(arena, {"challenge": {"sessions": [target.user_id]}})
        page = await target.http.get("/")
        stream = await target.create()
        fine_page = await bystander.http.get("/")
        fine_stream = await bystander.create()
    assert page.status_code == 403
    assert f"<title>{protocol.CHALLENGE_TITLE}</title>" in page.text
    assert any(marker in page.text for marker in protocol.CHALLENGE_MARKERS[1:])
    assert stream.status_code == 403 and protocol.CHALLENGE_TITLE in stream.text
    assert fine_page.status_code == 200 and fine_stream.status_code == 200


async def test_challenge_for_everyone_includes_new_visitors(arena: LocalArena) -> None:
    arena.set_knobs(challenge=True)
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        assert (await anon.get("/")).status_code == 403
        assert (await anon.post(protocol.ANONYMOUS_SIGNUP_PATH)).status_code == 403


async def time_to_first_line(client: ArenaClient) -> float:
    path, body = await stream_new_chat(client)
    started = time.monotonic()
    async with client.http.stream("POST", path, content=body) as response:
        async for _ in response.aiter_lines():
            return time.monotonic() - started
    raise AssertionError("empty stream")


async def test_per_session_speed(arena: LocalArena) -> None:
    arena.set_knobs(ttft_ms=100)
    async with signed_up(arena) as slow, signed_up(arena) as normal:
        await control(arena, {"per_session_speed": {slow.user_id: 3}})
        sessions = {s["user_id"]: s for s in (await snapshot(arena))["sessions"]}
        assert sessions[slow.user_id]["speed_factor"] == 3
        assert sessions[normal.user_id]["speed_factor"] == 1
        slow_ttft = await time_to_first_line(slow)
        normal_ttft = await time_to_first_line(normal)
    assert slow_ttft >= 0.3 > normal_ttft >= 0.1


async def test_slow_sessions_by_sign_up_order(arena: LocalArena) -> None:
    arena.set_knobs(slow_sessions={"every_nth": 3, "factor": 4})
    for _ in range(6):
        async with signed_up(arena):
            pass
    state = await snapshot(arena)
    factors = [s["speed_factor"] for s in sorted(state["sessions"], key=lambda s: s["order"])]
    assert factors == [1, 1, 4, 1, 1, 4]
    assert state["session_count"] == 6


async def test_control_counts_requests(arena: LocalArena) -> None:
    async with signed_up(arena) as client:
        for _ in range(3):
            await client.create()
        state = await snapshot(arena)
        assert state["request_counts"] == {client.user_id: 3}
    assert state["total_requests"] == 3 and state["session_count"] == 1
    assert state["active_streams"] == 0


@pytest.mark.parametrize(
    "update",
    [b"{nope", b"[1, 2]", {"tokens_per_s": -1}, {"no_such_knob": 1}, {"rate_limit": {}}],
)
async def test_control_rejects_bad_knobs(arena: LocalArena, update: object) -> None:
    async with httpx.AsyncClient(base_url=arena.url) as anon:
        content = update if isinstance(update, bytes) else json.dumps(update)
        response = await anon.post("/_control", content=content)
    assert response.status_code == 400
    assert response.json()["error"]
    assert arena.knobs == arena.settings.knobs


async def test_control_merges_and_resets(arena: LocalArena) -> None:
    await control(arena, {"ttft_ms": 7})
    state = (await control(arena, {"cut_after_tokens": 3})).json()["knobs"]
    assert (state["ttft_ms"], state["cut_after_tokens"]) == (7, 3)
    state = (await control(arena, {"reset": True})).json()["knobs"]
    assert state == arena.settings.knobs.model_dump()


def test_main_parses_knob_flags() -> None:
    args = _parse_args(["--port", "0", "--tokens-per-s", "5", "--knobs", '{"ttft_ms": 9}'])
    knobs = _start_knobs(args)
    assert (knobs.tokens_per_s, knobs.ttft_ms, knobs.legacy_protocol) == (5, 9, False)
    assert _start_knobs(_parse_args(["--port", "0", "--legacy"])).legacy_protocol


async def test_runs_standalone() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ["-m", "modules.local_arena", "--port", str(port), "--ttft-ms", "0"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as anon:

            async def serving() -> bool:
                try:
                    return (await anon.get("/_control")).status_code == 200
                except httpx.TransportError:
                    return False

            await wait_for(serving, 10)
            assert (await anon.get("/_control")).json()["knobs"]["ttft_ms"] == 0
    finally:
        process.terminate()
        async with asyncio.timeout(5):
            await process.wait()

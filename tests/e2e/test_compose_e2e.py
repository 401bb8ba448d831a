"""The `compose` transport end to end against the local arena in its default (2026) mode:
the page sends with its own single-use reCAPTCHA token, `direct-battle` and the compact
body; follow-ups continue the chat; images go in as files; `auto` moves to compose after a
token refusal on `fetch`."""

from __future__ import annotations

import base64
from typing import Any

from modules.local_arena import expected_reply
from modules.upstream import protocol
from modules.upstream.body import ChatTurn
from modules.upstream.transcript import render_transcript
from tests.e2e.harness import Bridge, running_bridge
from tests.e2e.pool_helpers import body, sse_data, streamed_text

COMPACT_KEYS = {
    "id",
    "mode",
    "modelAId",
    "userMessageId",
    "modelAMessageId",
    protocol.USER_MESSAGE_FIELD,
    "modality",
    protocol.PAGE_TOKEN_FIELD,
}


def recorded(bridge: Bridge) -> list[dict[str, Any]]:
    return list(bridge.arena.state.recorded)


def attempts(bridge: Bridge) -> list[str]:
    """Every send attempt the arena saw, as how it answered (accepted or why refused)."""
    users = bridge.arena.state.sessions.users.values()
    return [a.outcome for u in users for a in u.standing.attempts_between(0, None)]


async def ask(bridge: Bridge, model: str, messages: list[dict[str, Any]]) -> tuple[str, Any]:
    raw = await bridge.client.chat.completions.with_raw_response.create(
        model=model, messages=messages
    )
    return raw.parse().choices[0].message.content or "", raw.headers


async def test_compose_streams_and_answers_with_the_pages_own_token(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=False) as bridge:
        assert [i["transport"] for i in await bridge.instances()] == ["compose"]
        model = await bridge.model()
        text, _ = await ask(bridge, model, [{"role": "user", "content": "hello compose"}])
        assert text == expected_reply(model, "hello compose")
        async with bridge.http.stream(
            "POST", "/v1/chat/completions", json=body(model, "stream compose", stream=True)
        ) as r:
            payloads = sse_data([line async for line in r.aiter_lines()])
        assert streamed_text(payloads) == expected_reply(model, "stream compose")
        assert payloads[-1] == "[DONE]"

        sent = recorded(bridge)
        assert [r["path"] for r in sent] == [protocol.CREATE_EVALUATION_PATH] * 2
        for r in sent:
            assert set(r["body"]) == COMPACT_KEYS
            assert r["body"]["mode"] == protocol.MODE_DIRECT_BATTLE
        tokens = {r["body"][protocol.PAGE_TOKEN_FIELD] for r in sent}
        assert len(tokens) == 2  # a fresh token per send, each accepted once
        assert attempts(bridge) == ["accepted", "accepted"]


async def test_two_turns_continue_in_the_same_chat_and_the_reply_proves_it(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2, legacy=False) as bridge:
        model = await bridge.model()
        first = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "one"}]
        reply, head1 = await ask(bridge, model, first)
        rendered = render_transcript([ChatTurn("system", "be brief"), ChatTurn("user", "one")])
        assert reply == expected_reply(model, rendered)
        assert head1["x-bridge-affinity"] == "miss"

        second = [*first, {"role": "assistant", "content": reply}]
        second.append({"role": "user", "content": "two"})
        answer, head2 = await ask(bridge, model, second)
        assert answer == expected_reply(model, "two", earlier=1)  # the site saw turn one
        assert head2["x-bridge-affinity"] == "hit"
        assert head2["x-bridge-instance"] == head1["x-bridge-instance"]
        chat_id = recorded(bridge)[0]["body"]["id"]
        follow = recorded(bridge)[-1]
        assert follow["path"] == protocol.POST_TO_EVALUATION_PATH.format(session_id=chat_id)
        assert "mode" not in follow["body"]
        assert follow["body"][protocol.USER_MESSAGE_FIELD]["content"] == "two"


async def test_a_continuation_whose_instance_is_gone_is_a_new_chat_with_the_history(
    tmp_path,
) -> None:
    async with running_bridge(tmp_path, instances=2, legacy=False) as bridge:
        model = await bridge.model()
        first = [{"role": "user", "content": "remember"}]
        reply, head1 = await ask(bridge, model, first)
        gone = head1["x-bridge-instance"]
        assert (await bridge.http.delete(f"/api/instances/{gone}")).status_code == 202
        second = [*first, {"role": "assistant", "content": reply}]
        second.append({"role": "user", "content": "again"})
        answer, head2 = await ask(bridge, model, second)
        turns = [ChatTurn("user", "remember"), ChatTurn("assistant", reply)]
        assert answer == expected_reply(
            model, render_transcript([*turns, ChatTurn("user", "again")])
        )
        assert head2["x-bridge-affinity"] == "miss" and head2["x-bridge-instance"] != gone
        assert recorded(bridge)[-1]["path"] == protocol.CREATE_EVALUATION_PATH


async def test_images_reach_the_arena_as_attachments(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=False) as bridge:
        png = base64.b64encode(b"\x89PNG\r\n\x1a\nnot-really").decode()
        url = f"data:image/png;base64,{png}"
        content = [
            {"type": "text", "text": "what is this"},
            {"type": "image_url", "image_url": {"url": url}},
        ]
        text, _ = await ask(bridge, "local-echo-large", [{"role": "user", "content": content}])
        assert text.startswith("Echo from local-echo-large")
        message = recorded(bridge)[-1]["body"][protocol.USER_MESSAGE_FIELD]
        assert message["content"] == "what is this"
        files = message[protocol.ATTACHMENTS_FIELD]
        assert [(f["contentType"], f["url"]) for f in files] == [("image/png", url)]


async def test_auto_moves_to_compose_after_a_token_refusal_on_fetch(tmp_path) -> None:
    # A gate marker that matches nothing: auto does not see the gate and starts on fetch.
    arena = {"ui": {"gate_marker": "no-such-gate-marker"}}
    async with running_bridge(tmp_path, instances=1, legacy=False, arena=arena) as bridge:
        assert [i["transport"] for i in await bridge.instances()] == ["fetch"]
        model = await bridge.model()
        text, head = await ask(bridge, model, [{"role": "user", "content": "let me in"}])
        assert text == expected_reply(model, "let me in")
        assert head["x-bridge-attempts"] == "2"
        assert "transport_switched" in head["x-bridge-failover"]
        assert [i["transport"] for i in await bridge.instances()] == ["compose"]
        assert attempts(bridge) == ["recaptcha", "accepted"]  # fetch had no token; compose had

"""Battle modes through the OpenAI surface, with the real openai SDK against the local arena:
side-by-side (two named models) and battle (two the site assigns), streamed and whole.
Participant a's answer is `content`; b's answer and the models' names are `arena`."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from modules.local_arena import ReplyInput, expected_reasoning
from modules.local_arena.catalog import MODELS
from modules.local_arena.conversation import battle_pair
from modules.local_arena.reply_registry import reply_text
from modules.upstream import protocol
from tests.e2e.gui_helpers import gui_browser, open_gui
from tests.e2e.harness import Bridge, running_bridge, wait_for

A, B = "local-echo-1", "local-thinker"  # b reasons first: its reasoning is in the extension
PAIR = f"side-by-side:{A},{B}"
# Both transports: compose (2026 arena: the battle pages send) and fetch (2025 arena).
TRANSPORTS = pytest.mark.parametrize("legacy", [False, True], ids=["compose", "fetch"])


def reply(model: str, prompt: str) -> str:
    return reply_text(ReplyInput(model, prompt, conversation=prompt))


def last_sent(bridge: Bridge) -> dict[str, Any]:
    return dict(bridge.arena.state.recorded[-1]["body"])


async def streamed(bridge: Bridge, model: str, prompt: str) -> tuple[str, dict[str, Any]]:
    """a's text and the `arena` extension folded from the stream's deltas."""
    stream = await bridge.client.chat.completions.create(
        model=model, stream=True, messages=[{"role": "user", "content": prompt}]
    )
    content, arena = "", {}
    async for chunk in stream:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        content += delta.content or ""
        for key, value in (delta.model_extra or {}).get("arena", {}).items():
            if key == "mode":
                arena[key] = value
                continue
            side = arena.setdefault(key, {})
            for field, piece in value.items():
                appended = field in ("content", "reasoning_content")
                side[field] = side.get(field, "") + piece if appended else piece
    return content, arena


async def whole(bridge: Bridge, model: str, prompt: str) -> tuple[str, dict[str, Any]]:
    done = await bridge.client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}]
    )
    message = done.choices[0].message
    assert done.model == model and done.choices[0].finish_reason == "stop"
    return message.content or "", (message.model_extra or {})["arena"]


async def modes_recorded(bridge: Bridge, want: list[str]) -> bool:
    rows = (await bridge.http.get("/api/history", params={"limit": 10})).json()["requests"]
    return [r["mode"] for r in reversed(rows)] == want


@TRANSPORTS
async def test_side_by_side_streamed_and_whole(tmp_path, legacy: bool) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=legacy) as bridge:
        b_side = {
            "model": B,
            "content": reply(B, "compare us"),
            "reasoning_content": expected_reasoning(B, "compare us"),
            "finish_reason": "stop",
        }
        want = {"mode": "side-by-side", "a": {"model": A}, "b": b_side}
        for ask in (whole, streamed):
            content, arena = await ask(bridge, PAIR, "compare us")
            assert content == reply(A, "compare us")
            assert arena == want
            sent = last_sent(bridge)
            assert sent["mode"] == protocol.MODE_SIDE_BY_SIDE
            ids = {m["publicName"]: m["id"] for m in MODELS}
            assert (sent["modelAId"], sent[protocol.MODEL_B_ID_FIELD]) == (ids[A], ids[B])
        # The same through the extension field: model a plus `arena`.
        done = await bridge.client.chat.completions.create(
            model=A,
            messages=[{"role": "user", "content": "compare us"}],
            extra_body={"arena": {"mode": "side-by-side", "model_b": B}},
        )
        assert done.model == PAIR and (done.choices[0].message.model_extra or {})["arena"] == want
        await wait_for(lambda: modes_recorded(bridge, ["side-by-side"] * 3), 10, "history")


@TRANSPORTS
async def test_blind_battle_reveals_both_models(tmp_path, legacy: bool) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=legacy) as bridge:
        listed = {m.id: m for m in (await bridge.client.models.list()).data}
        assert (listed["battle"].model_extra or {})["arena"]["mode"] == "battle"
        for ask in (streamed, whole):
            content, arena = await ask(bridge, "battle", "who is better")
            sent = last_sent(bridge)
            assert sent["mode"] == protocol.MODE_BATTLE and sent["modelAId"] is None
            a, b = (m["publicName"] for m in battle_pair(MODELS, sent["id"]))
            assert content == reply(a, "who is better")
            assert arena["mode"] == "battle" and arena["a"] == {"model": a}
            assert arena["b"]["model"] == b and arena["b"]["finish_reason"] == "stop"
            assert arena["b"]["content"] == reply(b, "who is better")
        await wait_for(lambda: modes_recorded(bridge, ["battle"] * 2), 10, "history")


async def test_bad_battle_requests_are_400_naming_the_field(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        user = [{"role": "user", "content": "hi"}]
        cases = [
            ({"model": "side-by-side:" + A}, "model"),
            ({"model": "side-by-side:"}, "model"),
            ({"model": f"side-by-side:{A},no-such-model"}, "model"),
            ({"model": f"side-by-side:{A},local-painter"}, "model"),
            ({"model": "battle:" + A}, "model"),
            ({"model": "battle", "tools": [_TOOL]}, "tools"),
        ]
        for extra, param in cases:
            r = await bridge.http.post("/v1/chat/completions", json={"messages": user, **extra})
            assert r.status_code == 400, (extra, r.text)
            error = r.json()["error"]
            assert error["param"] == param and error["type"] == "invalid_request_error"
        r = await bridge.http.post("/v1/responses", json={"model": "battle", "input": "hi"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "model"
        pair = (await bridge.http.get(f"/v1/models/{PAIR}")).json()
        assert pair["arena"] == {"mode": "side-by-side", "models": [A, B], "side_by_side": _FORM}
        assert (await bridge.http.get("/v1/models/side-by-side:x,y")).status_code == 404
        sent = [r for r in bridge.arena.state.recorded if r["path"].startswith(_STREAMS)]
        assert not sent  # every mistake was caught before anything went upstream

        async def refusal_recorded() -> bool:
            rows = (await bridge.http.get("/api/history", params={"status": "4xx"})).json()
            mine = [(r["model"], r["mode"]) for r in rows["requests"] if r["endpoint"] == "chat"]
            return ("battle", "battle") in mine and ("(unknown)", "direct") in mine

        await wait_for(refusal_recorded, 10, "refusals in the history with their mode")
        async with gui_browser() as browser:  # the GUI's request log names the mode
            page = await open_gui(browser, bridge, "requests")
            rows = page.locator("#requests-table tbody tr", has_text="chat · battle · json")
            await expect(rows.first).to_be_visible(timeout=10_000)


_STREAMS = protocol.STREAM_PATH_PREFIX
_FORM = "side-by-side:<model_a>,<model_b>"
_TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}


@TRANSPORTS
async def test_a_battle_continues_in_its_own_chat(tmp_path, legacy: bool) -> None:
    async with running_bridge(tmp_path, instances=1, legacy=legacy) as bridge:
        first = [{"role": "user", "content": "round one"}]
        content, arena = await whole(bridge, "battle", "round one")
        chat = bridge.arena.state.recorded[-1]["body"]["id"]
        second = [*first, {"role": "assistant", "content": content}]
        second.append({"role": "user", "content": "round two"})
        raw = await bridge.client.chat.completions.with_raw_response.create(
            model="battle", messages=second
        )
        again = raw.parse().choices[0].message
        assert raw.headers["x-bridge-affinity"] == "hit"
        assert bridge.arena.state.recorded[-1]["path"].endswith(f"/post-to-evaluation/{chat}")
        extension = (again.model_extra or {})["arena"]
        assert (extension["a"], extension["b"]["model"]) == (arena["a"], arena["b"]["model"])
        # The same conversation under a plain model id is a new direct chat, not this battle.
        third = [*second, {"role": "assistant", "content": again.content or ""}]
        third.append({"role": "user", "content": "round three"})
        plain = await bridge.client.chat.completions.with_raw_response.create(
            model=A, messages=third
        )
        assert plain.headers["x-bridge-affinity"] == "miss"
        assert "arena" not in (plain.parse().choices[0].message.model_extra or {})

"""Conversation continuity: a request that extends a conversation the bridge answered goes
into the same upstream chat on the same instance (affinity hit); when that instance is
gone it starts a new chat elsewhere with the whole history (miss)."""

from __future__ import annotations

from typing import Any

from modules.upstream.protocol import CREATE_EVALUATION_PATH
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import ask


def recorded(bridge: Bridge) -> list[dict[str, Any]]:
    return list(bridge.arena.state.recorded)


async def history_is(bridge: Bridge, want: list[str]) -> bool:
    rows = (await bridge.http.get("/api/history", params={"limit": 10})).json()["requests"]
    return [r["affinity"] for r in reversed(rows)] == want


async def test_a_second_turn_continues_the_same_chat(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        model = await bridge.model()
        first = [{"role": "user", "content": "first turn"}]
        reply, head1 = await ask(bridge, model, first)
        assert head1["x-bridge-affinity"] == "miss"
        chat = recorded(bridge)[-1]
        assert chat["path"] == CREATE_EVALUATION_PATH

        second = [*first, {"role": "assistant", "content": reply}]
        second.append({"role": "user", "content": "second turn"})
        _, head2 = await ask(bridge, model, second)
        assert head2["x-bridge-affinity"] == "hit"
        assert head2["x-bridge-instance"] == head1["x-bridge-instance"]
        follow = recorded(bridge)[-1]
        assert follow["path"].endswith(f"/post-to-evaluation/{chat['body']['id']}")
        assert follow["user_id"] == chat["user_id"]

        # The same prefix again (a regenerate) cannot go into the chat that moved on.
        _, head3 = await ask(bridge, model, second)
        assert head3["x-bridge-affinity"] == "miss"
        assert recorded(bridge)[-1]["path"] == CREATE_EVALUATION_PATH
        await wait_for(lambda: history_is(bridge, ["miss", "hit", "miss"]), 10, "history")


async def test_a_continuation_whose_instance_is_gone_starts_a_new_chat(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        model = await bridge.model()
        first = [{"role": "user", "content": "remember me"}]
        reply, head1 = await ask(bridge, model, first)
        gone = head1["x-bridge-instance"]
        assert (await bridge.http.delete(f"/api/instances/{gone}")).status_code == 202
        second = [*first, {"role": "assistant", "content": reply}]
        second.append({"role": "user", "content": "still there?"})
        _, head2 = await ask(bridge, model, second)
        assert head2["x-bridge-affinity"] == "miss"
        assert head2["x-bridge-instance"] != gone
        assert recorded(bridge)[-1]["path"] == CREATE_EVALUATION_PATH


async def test_affinity_off_always_starts_a_new_chat(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, balancer={"affinity": {"enabled": False}}
    ) as b:
        model = await b.model()
        first = [{"role": "user", "content": "one"}]
        reply, head1 = await ask(b, model, first)
        second = [
            *first,
            {"role": "assistant", "content": reply},
            {"role": "user", "content": "two"},
        ]
        _, head2 = await ask(b, model, second)
        assert "x-bridge-affinity" not in head1 and "x-bridge-affinity" not in head2
        assert [r["path"] for r in recorded(b)] == [CREATE_EVALUATION_PATH] * 2

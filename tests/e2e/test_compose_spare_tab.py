"""The spare tab of `compose` (`arena.spare_tab`): once a new chat's answer started, the
instance loads the chat page the next new chat will likely need, so that chat is typed into
a page loaded before it came; a spare of another model is reloaded for the one asked; chats
that may be continued keep their tabs; a fast answer (bytes with the head) loads a spare
too, and health probes pass meanwhile; without the spare every new chat loads its page.

The arena counts the chat pages it served and notes, with each send, how many came before
it: that is how a test sees which page load a send used."""

from __future__ import annotations

import asyncio
from typing import Any

from modules.local_arena import expected_reply
from modules.local_arena.catalog import MODELS
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import ask


def last_send(bridge: Bridge) -> dict[str, Any]:
    return dict(bridge.arena.state.recorded[-1])


def page_loads(bridge: Bridge) -> int:
    return bridge.arena.state.page_loads


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


async def spare_loaded(bridge: Bridge, after: int) -> None:
    """Wait until a chat page was served after the send that noted `after` loads."""
    await wait_for(lambda: page_loads(bridge) > after, 10, "the spare chat page loaded")


async def test_a_new_chat_is_typed_into_a_chat_page_loaded_before_it_came(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        reply, _ = await ask(bridge, model, user("the first chat"))
        assert reply == expected_reply(model, "the first chat")
        await spare_loaded(bridge, last_send(bridge)["page_loads"])
        loaded = page_loads(bridge)

        reply, head = await ask(bridge, model, user("the second chat"))
        assert reply == expected_reply(model, "the second chat")
        assert head["x-bridge-affinity"] == "miss"
        assert last_send(bridge)["page_loads"] == loaded  # no page was loaded for it
        await spare_loaded(bridge, loaded)  # and the next one is on its way


async def test_without_the_spare_tab_each_new_chat_loads_its_page(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1, arena={"spare_tab": False}) as bridge:
        model = await bridge.model()
        await ask(bridge, model, user("one"))
        first = last_send(bridge)["page_loads"]
        reply, _ = await ask(bridge, model, user("two"))
        assert reply == expected_reply(model, "two")
        second = last_send(bridge)["page_loads"]
        assert second == first + 1  # its own page, loaded after it came
        assert page_loads(bridge) == second  # nothing loads in the background


async def test_a_spare_of_another_model_is_reloaded_for_the_model_asked(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        await ask(bridge, "local-echo-1", user("for the first model"))
        await spare_loaded(bridge, last_send(bridge)["page_loads"])
        loaded = page_loads(bridge)

        reply, _ = await ask(bridge, "local-echo-mini", user("for another model"))
        assert reply == expected_reply("local-echo-mini", "for another model")
        send = last_send(bridge)
        mini = next(m["id"] for m in MODELS if m["publicName"] == "local-echo-mini")
        assert send["body"]["modelAId"] == mini
        assert send["page_loads"] == loaded + 1  # the spare showed the other model's page


async def test_a_chat_keeps_its_tab_while_new_chats_use_the_spare(tmp_path) -> None:
    async with running_bridge(
        tmp_path, instances=1, pool={"max_concurrent_per_instance": 2}
    ) as bridge:
        model = await bridge.model()
        first = user("keep this chat")
        reply, _ = await ask(bridge, model, first)
        chat = last_send(bridge)["body"]["id"]
        await spare_loaded(bridge, last_send(bridge)["page_loads"])
        other, _ = await ask(bridge, model, user("a chat in between"))  # takes the spare
        assert other == expected_reply(model, "a chat in between")
        assert last_send(bridge)["body"]["id"] != chat

        follow = [*first, {"role": "assistant", "content": reply}, *user("still here?")]
        reply, head = await ask(bridge, model, follow)
        assert head["x-bridge-affinity"] == "hit"
        assert reply == expected_reply(model, "still here?", earlier=1)
        assert last_send(bridge)["path"].endswith(f"/post-to-evaluation/{chat}")


async def test_fast_answers_load_spares_too_and_probes_meanwhile_pass(tmp_path) -> None:
    # Answers whose bytes come with the head still load the next spare. The instance's own
    # page (the one health probes use) is every other spare: probes every 0.1 s run while
    # spares load and settle, and none fails.
    async with running_bridge(
        tmp_path,
        instances=1,
        health={"interval_s": 0.1},
        arena_knobs={"ttft_ms": 0, "tokens_per_s": 10_000},
    ) as bridge:
        model = await bridge.model()
        (before,) = await bridge.instances()
        for n in range(6):
            await ask(bridge, model, user(f"chat {n}"))
            await spare_loaded(bridge, last_send(bridge)["page_loads"])
            await asyncio.sleep(0.2)  # idle: probes run while the spare page settles
        (instance,) = await bridge.instances()
        assert instance["id"] == before["id"] and instance["state"] == "ready"
        assert instance["last_error"] is None
        assert instance["last_check"] and instance["last_check"]["ok"]

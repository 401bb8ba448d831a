"""The UI adapter through the bridge, on chat page layouts it was not written for (the
arena's `ui_variant` knob): a layout that fits works with the defaults; one that does not
fit makes the instance unhealthy with a message naming the `arena.ui` key to fix, and a
config edit fixes it; a send the site refuses is mapped as always and loses nothing."""

from __future__ import annotations

from typing import Any

import pytest

from modules.local_arena import expected_reply
from tests.e2e.harness import Bridge, running_bridge, wait_for
from tests.e2e.pool_helpers import body

FAST_UI = {"page_load_timeout_s": 5, "ui": {"send_timeout_s": 2}}


def sends(bridge: Bridge) -> int:
    users = bridge.arena.state.sessions.users.values()
    return sum(len(u.standing.attempts_between(0, None)) for u in users)


async def unhealthy_reasons(bridge: Bridge) -> list[str]:
    history = bridge.coordinator.obs.history
    history.flush()
    rows: list[dict[str, Any]] = await history.events(limit=100)
    return [r["reason"] for r in rows if r["new_state"] == "unhealthy"]


async def test_an_alternate_layout_works_with_the_default_adapter(tmp_path) -> None:
    knobs = {"ui_variant": "alternate"}
    async with running_bridge(tmp_path, instances=1, legacy=False, arena_knobs=knobs) as bridge:
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "through icons"))
        assert r.status_code == 200
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(
            model, "through icons"
        )


@pytest.mark.parametrize(
    ("variant", "key"), [("renamed", "arena.ui.composer"), ("silent", "arena.ui.submit")]
)
async def test_a_page_that_does_not_fit_names_the_key_to_fix(
    tmp_path, variant: str, key: str
) -> None:
    async with running_bridge(
        tmp_path,
        instances=1,
        legacy=False,
        arena_knobs={"ui_variant": variant},
        arena=FAST_UI,
        balancer={"max_retries": 0},
    ) as bridge:
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "hello?"))
        assert r.status_code == 502
        error = r.json()["error"]
        assert key in error["message"] and error["code"] == "site_ui"
        assert sends(bridge) == 0  # nothing reached the site
        await wait_for(lambda: _named(bridge, key), 10, "the instance went unhealthy")
        await wait_for(lambda: bridge.coordinator.pool.usable_count() == 1, 30, "a replacement")


async def _named(bridge: Bridge, key: str) -> bool:
    return any(key in reason for reason in await unhealthy_reasons(bridge))


async def test_a_config_edit_fixes_a_renamed_composer(tmp_path) -> None:
    arena = {**FAST_UI, "ui": {"composer": "form input[name=message]"}}
    knobs = {"ui_variant": "renamed"}
    async with running_bridge(
        tmp_path, instances=1, legacy=False, arena_knobs=knobs, arena=arena
    ) as bridge:
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "fixed by config"))
        assert r.status_code == 200
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(
            model, "fixed by config"
        )


async def test_a_send_the_site_refuses_is_mapped_and_loses_nothing(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        await bridge.knobs(fail_next={"status": 400, "count": 1})
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "refused"))
        assert r.status_code == 502 and "400" in r.json()["error"]["message"]
        assert (await bridge.instances())[0]["in_flight"] == 0
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "next one"))
        assert r.status_code == 200  # the tab and the slot came back
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(model, "next one")


async def test_a_token_refusal_waits_out_the_penalty_and_then_answers(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        await bridge.knobs(fail_next={"status": 403, "count": 1})
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "after a refusal"))
        assert r.status_code == 200
        assert r.json()["choices"][0]["message"]["content"] == expected_reply(
            model, "after a refusal"
        )
        assert r.headers["x-bridge-attempts"] == "2"  # the same identity, after its penalty


async def test_an_empty_message_is_refused_before_the_composer(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        r = await bridge.http.post("/v1/chat/completions", json=body(model, "  "))
        assert r.status_code == 400 and "empty" in r.json()["error"]["message"]
        assert sends(bridge) == 0
        assert [i["state"] for i in await bridge.instances()] == ["ready"]  # not its fault

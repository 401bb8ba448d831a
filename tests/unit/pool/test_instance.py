"""An instance keeps its own invariants: slots, counters, links to its page."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from modules.pool.instance import Instance
from modules.pool.instance_state import InvalidTransition, State


def _instance() -> Instance:
    return Instance(
        "i-1", 1, max_concurrent=2, ewma_alpha=0.5, failure_threshold=2, on_state=lambda *a: None
    )


def test_slots_never_go_below_zero_and_a_stray_release_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inst = _instance()
    inst.reserve(5.0)
    assert (inst.in_flight, inst.last_used_at) == (1, 5.0)
    inst.release()
    with caplog.at_level(logging.ERROR):
        inst.release()
    assert inst.in_flight == 0 and "did not hold" in caplog.text


def test_finished_requests_count_and_successes_heal() -> None:
    inst = _instance()
    inst.health.mark_bad("x")
    inst.finish_request(False, 1.0)
    assert (inst.total_requests, inst.session_requests, inst.latency.samples) == (1, 1, 0)
    inst.finish_request(True, 2.0)
    assert inst.health.consecutive_failures == 0 and inst.latency.value == 2.0
    inst.new_session()
    assert (inst.total_requests, inst.session_requests) == (2, 0)


def test_cool_down_sets_deadline_and_state() -> None:
    inst = _instance()
    inst.set_state(State.READY, "up")
    inst.cool_down_until(42.0, "429")
    assert inst.cooling_until == 42.0 and inst.state is State.COOLING_DOWN
    with pytest.raises(InvalidTransition):
        inst.set_state(State.CLOSED, "no")


def test_attach_switch_and_detach_the_page() -> None:
    inst = _instance()
    page, fetch, compose = object(), SimpleNamespace(name="fetch"), SimpleNamespace(name="compose")
    inst.attach(page, fetch, "local", origin="https://arena.ai", alternatives=[compose])  # type: ignore[arg-type]
    assert (inst.page, inst.transport, inst.browser_label) == (page, fetch, "local")
    assert inst.origin == "https://arena.ai"
    assert inst.switch_transport("compose") and inst.transport is compose
    assert not inst.switch_transport("compose") and not inst.switch_transport("carrier-pigeon")
    assert inst.describe()["transport"] == "compose"
    assert inst.detach() is page and inst.page is None and inst.transport is None
    assert inst.transports == {}


def test_spares_promote_and_limits_stay_positive() -> None:
    inst = Instance(
        "i-2",
        2,
        max_concurrent=1,
        ewma_alpha=0.5,
        failure_threshold=1,
        on_state=lambda *a: None,
        spare=True,
    )
    inst.promote()
    inst.set_max_concurrent(0)
    assert not inst.spare and inst.max_concurrent == 1

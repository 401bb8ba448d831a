"""The pause: seconds from now, 0 resumes, and it survives a restart."""

from __future__ import annotations

from pathlib import Path

from modules.identity import PaceStore
from modules.identity.pause import PauseSwitch


def test_pause_counts_down_resumes_and_persists(tmp_path: Path) -> None:
    now = [100.0]
    with PaceStore(tmp_path) as store:
        switch = PauseSwitch(store, clock=lambda: now[0])
        assert not switch.paused and switch.until is None
        assert switch.pause(60) == 60
        now[0] += 10
        assert switch.paused and switch.remaining_s() == 50 and switch.until == 160
    with PaceStore(tmp_path) as store:
        restarted = PauseSwitch(store, clock=lambda: now[0])
        assert restarted.remaining_s() == 50
        restarted.pause(0)
        assert not restarted.paused
        now[0] += 100
        assert not restarted.paused
    with PaceStore(tmp_path) as store:
        assert not PauseSwitch(store, clock=lambda: now[0]).paused


def test_without_a_store_the_pause_lives_in_memory() -> None:
    switch = PauseSwitch(None, clock=lambda: 5.0)
    switch.pause(1)
    assert switch.paused


def test_the_switch_reads_the_store_at_the_first_question(tmp_path: Path) -> None:
    with PaceStore(tmp_path) as store:
        PauseSwitch(store, clock=lambda: 0.0).pause(30)
    store = PaceStore(tmp_path)
    switch = PauseSwitch(store, clock=lambda: 10.0)  # built before the store opens
    with store:
        assert switch.remaining_s() == 20

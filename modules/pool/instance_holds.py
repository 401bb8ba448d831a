"""Holding an instance back without replacing it: a cool-down until a time, a rest until its
identity's pace allows a send, parking for a person (a challenge, an expired login)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from .dispatcher import Dispatcher
from .instance import Instance
from .instance_state import State


class InstanceHolds:
    """The pool's holds on an instance (Pool mixes them in); each wakes waiters when over."""

    dispatcher: Dispatcher
    on_upstream_error: Callable[[str], None]

    def cool_down(self, inst: Instance, retry_after_s: float, reason: str) -> None:
        """Rest `retry_after_s` seconds (the site said so), then ready again."""
        if not inst.can_become(State.COOLING_DOWN):
            return
        inst.cool_down_until(time.monotonic() + retry_after_s, reason)
        asyncio.get_running_loop().call_later(retry_after_s, self._cool_done, inst)

    def rest(self, inst: Instance, reason: str) -> None:
        """Cool down until the identity's pace allows a send again (after a refusal)."""
        wait = inst.pace.wait_s()
        if wait > 0:
            self.cool_down(inst, wait, reason)
        else:
            self.dispatcher.wake()

    def _cool_done(self, inst: Instance) -> None:
        # An older timer must not end a later, longer cool-down early.
        if inst.base_state is State.COOLING_DOWN and inst.cooling_until <= time.monotonic() + 0.05:
            inst.set_state(State.READY, "cool-down over")
            self.dispatcher.wake()

    def park(self, inst: Instance, reason: str) -> bool:
        """Hold the instance for a person; True when it was not parked before."""
        if not inst.can_become(State.NEEDS_ATTENTION):
            return False
        inst.set_state(State.NEEDS_ATTENTION, reason)
        self.dispatcher.fail_waiters_if_hopeless()
        return True

    def expire_login(self, inst: Instance, reason: str) -> None:
        """An account's login ran out: parked (never replaced) until a person logs in again."""
        inst.login_expired = True
        inst.note_error(reason)
        if self.park(inst, reason):
            self.on_upstream_error("login_expired")


def held_reason(inst: Instance) -> str:
    """Why an identity is held back: a penalty from the site, or its Retry-After."""
    if inst.pace.penalised():
        return f"penalised by the site: {inst.pace.penalty_left_s():.0f}s left"
    return "the site asked to wait (Retry-After)"

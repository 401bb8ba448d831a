"""The pool: which instances exist, their lifecycle, and keeping the pool at its target size."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..config import BridgeConfig
from ..errors import LoginExpired, NeedsAttention
from ..identity.book import PaceBook
from ..identity.schedule import capacity_per_hour
from ..util.event_bus import EventBus
from .dispatcher import Dispatcher
from .identity_keeper import IdentityKeeper
from .instance import Instance
from .instance_holds import InstanceHolds, held_reason
from .instance_spec import InstanceSpec, pick_proxy
from .instance_state import ALL_STATES, State
from .launcher import InstanceLauncher

log = logging.getLogger(__name__)
_RESTART_BACKOFF_S = (0.5, 1, 2, 5, 10, 30)


class Pool(InstanceHolds):
    """Owns every instance; starts, retires and replaces them (holds: InstanceHolds)."""

    def __init__(
        self,
        config: BridgeConfig,
        launcher: InstanceLauncher,
        bus: EventBus,
        *,
        seed: int | None = None,
        paces: PaceBook | None = None,
        keeper: IdentityKeeper | None = None,
    ) -> None:
        self.config = config
        self.paces = paces or PaceBook(config.pacing, None)
        self.keeper = keeper  # saves identities and hands saved ones to new instances
        self._launcher = launcher
        self._bus = bus
        self.instances: dict[str, Instance] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._opening: set[str] = set()  # ids whose page is being opened right now
        self.target = config.pool.initial_instances
        self.max_concurrent = config.pool.max_concurrent_per_instance
        self.warm_spares = config.pool.warm_spares
        self.dispatcher = Dispatcher(config.balancer, config.queue, self.active, seed=seed)
        self.dispatcher.on_release = self.after_release
        self.restarts = 0
        self._failures_in_row = 0
        self.closing = False
        # Hooks for metrics; the coordinator sets them.
        self.on_restart: Callable[[str], None] = lambda reason: None
        self.on_retry: Callable[[], None] = lambda: None
        self.on_upstream_error: Callable[[str], None] = lambda kind: None

    # --- views -------------------------------------------------------------
    def active(self) -> list[Instance]:
        return [
            i for i in self.instances.values() if i.base_state not in (State.DRAINING, State.CLOSED)
        ]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ALL_STATES, 0)
        for inst in self.instances.values():
            counts[inst.state.value] += 1
        return counts

    def usable_count(self) -> int:
        return sum(1 for i in self.instances.values() if i.usable and not i.spare)

    def paced_capacity_per_hour(self) -> float:
        """Requests per hour the paces of the usable identities allow (held ones: none)."""
        free = [i for i in self.serving() if i.usable and not i.pace.held()]
        return capacity_per_hour(i.pace.pace for i in free)

    def serving(self) -> list[Instance]:
        """Instances that count toward the target size (not spares, not leaving)."""
        return [i for i in self.active() if not i.spare and i.base_state is not State.UNHEALTHY]

    def get(self, instance_id: str) -> Instance | None:
        return self.instances.get(instance_id)

    # --- lifecycle ---------------------------------------------------------
    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _emit_state(self, inst: Instance, old: str, new: str, reason: str) -> None:
        log.info("%s %s -> %s (%s)", inst.id, old, new, reason)
        self._bus.publish(
            "instance",
            {
                "id": inst.id,
                "old_state": old,
                "new_state": new,
                "reason": reason,
                "at": time.time(),
            },
        )

    def add(self, spec: InstanceSpec | None = None, *, spare: bool = False) -> Instance:
        """Create an instance (made as `spec` says) and start it in the background."""
        seq = next(self._ids)
        spec = spec or InstanceSpec()
        if self.keeper is None:
            spec = self.with_proxy(spec)
        else:  # a saved identity goes through its own proxy
            spec = self.keeper.next_spec(spec, self.active(), self.with_proxy)
        inst = Instance(
            f"i-{seq}",
            seq,
            max_concurrent=self.max_concurrent,
            ewma_alpha=self.config.balancer.ewma_alpha,
            failure_threshold=self.config.health.failure_threshold,
            on_state=self._emit_state,
            spec=spec,
            spare=spare,
        )
        self.instances[inst.id] = inst
        self._emit_state(inst, "new", State.STARTING.value, "spare" if spare else "starting")
        self._spawn(self._start(inst))
        return inst

    def with_proxy(self, spec: InstanceSpec) -> InstanceSpec:
        """Give a spec without a proxy the configured proxy fewest instances use."""
        if spec.proxy is not None or not self.config.browser.proxies:
            return spec
        in_use = [i.spec.proxy for i in self.active()]
        return replace(spec, proxy=pick_proxy(self.config.browser.proxies, in_use))

    async def _start(self, inst: Instance) -> None:
        # Failures that began together (one dead browser fails every start on it) count
        # as one round, so one event cannot push the backoff to its maximum.
        rounds = self._failures_in_row
        if rounds:
            delay = _RESTART_BACKOFF_S[min(rounds - 1, len(_RESTART_BACKOFF_S) - 1)]
            await asyncio.sleep(delay)  # the site or browser keeps failing: do not hammer it
        self._opening.add(inst.id)
        try:
            await self._open(inst)
        except LoginExpired as err:
            self._failures_in_row = 0
            self.expire_login(inst, f"login expired: {err.message}")
            return
        except NeedsAttention as err:
            inst.note_error(err.message)
            self._failures_in_row = 0
            self.park(inst, err.message)
            return
        except Exception as err:
            self._failures_in_row = max(self._failures_in_row, rounds + 1)
            reason = getattr(err, "message", str(err))
            inst.note_error(reason)
            log.warning("%s failed to start: %s", inst.id, reason)
            if inst.can_become(State.UNHEALTHY):
                inst.set_state(State.UNHEALTHY, f"start failed: {reason}")
                self.replace(inst, "start failed")
            return
        finally:
            self._opening.discard(inst.id)
            if inst.base_state in (State.DRAINING, State.CLOSED):
                await self._finish_close(inst)  # retired while starting: close what opened
        self._failures_in_row = 0
        inst.set_pace(self.paces.pace_for(inst.identity.user_id))
        await self.keep(inst)  # a sign-up is saved at once, so a restart brings it back
        if inst.base_state is State.STARTING:
            inst.set_state(State.READY, "session ready")
            if inst.pace.held():  # a restored identity still serving its penalty
                self.rest(inst, held_reason(inst))
            self.dispatcher.wake()

    async def _open(self, inst: Instance) -> None:
        if self.keeper is None:
            await self._launcher.open(inst)
        else:
            await self.keeper.open(self._launcher, inst)

    async def keep(self, inst: Instance) -> None:
        """Save the instance's identity when its login changed; never fails the caller."""
        if self.keeper is not None:
            await self.keeper.keep(inst)

    def ensure_size(self) -> None:
        """Start instances until serving + spares meet the target."""
        if self.closing:
            return
        missing = self.target - len(self.serving())
        spares = [i for i in self.active() if i.spare]
        while missing > 0 and spares:  # promote a warm spare: a swap, not a cold start
            spare = spares.pop()
            spare.promote()
            missing -= 1
            log.info("promoted warm spare %s", spare.id)
            self.dispatcher.wake()
        for _ in range(missing):
            self.add()
        for _ in range(self.warm_spares - len(spares)):
            self.add(spare=True)

    def retire(self, inst: Instance, reason: str) -> None:
        """No new work; close once in-flight work has ended."""
        if inst.base_state in (State.DRAINING, State.CLOSED):
            return
        inst.set_state(State.DRAINING, reason)
        # An instance still opening its page is closed by _start once the page exists.
        if inst.in_flight == 0 and inst.id not in self._opening:
            self._spawn(self._finish_close(inst))

    def replace(self, inst: Instance, reason: str) -> None:
        """Retire `inst` and restore the pool to its size; settings an operator chose stay."""
        self.restarts += 1
        self.on_restart(reason)
        self.retire(inst, reason)
        if inst.spec.operator and not inst.spare and not self.closing:
            self.add(inst.spec)
        self.ensure_size()

    def recycle(self, inst: Instance, reason: str) -> Instance:
        """Fresh context and session: start a successor (same spec; an anonymous identity is
        let go, an account reopened), then drain this one."""
        successor = self.add(self.keeper.fresh(inst) if self.keeper is not None else inst.spec)
        self.retire(inst, reason)
        return successor

    def after_release(self, inst: Instance) -> None:
        if inst.base_state is State.DRAINING and inst.in_flight == 0:
            self._spawn(self._finish_close(inst))

    async def _finish_close(self, inst: Instance) -> None:
        if inst.base_state is State.CLOSED:
            await self._launcher.close(inst)  # a page attached after closing still goes
            return
        if inst.base_state is not State.DRAINING:
            inst.set_state(State.DRAINING, "closing")
        await self.keep(inst)  # the site may have rotated its cookie since the last save
        await self._launcher.close(inst)
        inst.set_state(State.CLOSED, inst.state_reason)
        self.instances.pop(inst.id, None)
        user_id = inst.identity.user_id
        if not any(i.identity.user_id == user_id for i in self.instances.values()):
            self.paces.release(user_id)

    # --- failures (holds: instance_holds.py) --------------------------------
    def mark_failed(self, inst: Instance, reason: str) -> None:
        """Count a failure; dead pages and repeated failures make the instance unhealthy."""
        inst.note_error(reason)
        inst.health.mark_bad(reason)
        dead = inst.page is None or not inst.page.alive
        if (dead or inst.health.is_unhealthy) and inst.can_become(State.UNHEALTHY):
            inst.set_state(State.UNHEALTHY, reason)
            self.replace(inst, "browser died" if dead else "repeated failures")

    def mark_broken(self, inst: Instance, reason: str) -> None:
        """Unhealthy at once (the page cannot work as configured) and replaced."""
        inst.note_error(reason)
        inst.health.mark_bad(reason)
        if inst.can_become(State.UNHEALTHY):
            inst.set_state(State.UNHEALTHY, reason)
            self.replace(inst, "site UI mismatch")

    async def close(self) -> None:
        """Close every instance now (shutdown has already drained what it could)."""
        self.closing = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(self.keep(i) for i in list(self.instances.values())))
        await asyncio.gather(
            *(self._launcher.close(i) for i in list(self.instances.values())),
            return_exceptions=True,
        )
        self.instances.clear()

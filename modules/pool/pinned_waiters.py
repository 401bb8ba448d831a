"""Conversations waiting for their own instance (affinity), served before the FIFO queue.

A pin is resolved with the instance (its slot already reserved) once it has room and its
pace allows a send, or with None once the instance is gone or the bridge paused. A slot
handed to a pin whose owner is leaving is given back through `on_orphan`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from .instance import Instance
from .instance_state import State

Pin = tuple[str, "asyncio.Future[Instance | None]"]


class PinnedWaiters:
    """The pins of conversations that wait for one instance each."""

    def __init__(self, on_orphan: Callable[[Instance | None], None]) -> None:
        self._on_orphan = on_orphan
        self._pins: list[Pin] = []

    def pin(self, instance_id: str) -> Pin:
        """Start waiting for `instance_id`; `wait` then awaits it."""
        pin: Pin = (instance_id, asyncio.get_running_loop().create_future())
        self._pins.append(pin)
        return pin

    async def wait(self, pin: Pin, wait_s: float) -> Instance | None:
        """The instance, reserved, within `wait_s`; None when it is gone or time ran out."""
        future = pin[1]
        try:
            async with asyncio.timeout(wait_s):
                return await future
        except BaseException as err:
            if future.done() and not future.cancelled():
                self._on_orphan(future.result())  # handed over just as the waiter gave up
            if isinstance(err, TimeoutError):
                return None
            raise
        finally:
            self._pins.remove(pin)

    def waited_for(self) -> set[str]:
        """Ids of the instances some conversation still waits for."""
        return {instance_id for instance_id, future in self._pins if not future.done()}

    def serve(
        self, instances: Iterable[Instance], paused: bool, reserve: Callable[[Instance], None]
    ) -> None:
        """Give a conversation its own instance once it has room; None once it is gone."""
        live = {i.id: i for i in instances}
        for instance_id, future in list(self._pins):
            instance = live.get(instance_id)
            if future.done():
                continue
            if instance is None or instance.base_state in (State.UNHEALTHY, State.CLOSED):
                future.set_result(None)
            elif paused:
                future.set_result(None)
            elif instance.has_room and instance.pace.allows():
                reserve(instance)
                future.set_result(instance)

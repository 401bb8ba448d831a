"""A background loop that runs a step every interval, logs failures and keeps going."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class RecurringTask:
    """Runs `step` every `interval_s` seconds until stopped."""

    def __init__(self, name: str, step: Callable[[], Awaitable[None]], interval_s: float) -> None:
        self.name = name
        self._step = step
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed; will run again in %gs", self.name, self.interval_s)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

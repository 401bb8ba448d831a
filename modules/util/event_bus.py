"""In-process event bus: state changes, alerts, scaling decisions, pool summaries."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened; `name` is the SSE event name (instance, alert, scale, summary)."""

    name: str
    data: dict[str, Any]
    at: float = field(default_factory=time.time)
    encoded: str = ""  # `data` as JSON, made once when someone subscribes (not per reader)


class EventBus:
    """Fan-out to sync listeners (history, metrics) and to bounded async subscriber queues."""

    def __init__(self, subscriber_queue_size: int = 256) -> None:
        self._listeners: list[Callable[[Event], None]] = []
        self._queues: set[asyncio.Queue[Event]] = set()
        self._size = subscriber_queue_size

    def listen(self, callback: Callable[[Event], None]) -> None:
        self._listeners.append(callback)

    def publish(self, name: str, data: dict[str, Any]) -> None:
        encoded = json.dumps(data, default=str) if self._queues else ""
        event = Event(name, data, encoded=encoded)
        for callback in self._listeners:
            try:
                callback(event)
            except Exception:  # a broken listener must not break the publisher
                log.exception("event listener failed for %s", name)
        for queue in self._queues:
            if queue.full():  # a slow subscriber loses its oldest events, never blocks us
                queue.get_nowait()
            queue.put_nowait(event)

    def has_subscribers(self) -> bool:
        return bool(self._queues)

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)

    def subscribe(self) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._size)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        self._queues.discard(queue)

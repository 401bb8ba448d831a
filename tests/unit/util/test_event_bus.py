"""The event bus encodes each event once, however many live feeds read it."""

from __future__ import annotations

import json

from modules.util.event_bus import EventBus


async def test_an_event_is_encoded_once_for_every_subscriber() -> None:
    bus = EventBus()
    bus.publish("summary", {"n": 0})  # nobody listens: nothing is encoded
    queues = [bus.subscribe() for _ in range(3)]
    assert bus.subscriber_count == 3
    bus.publish("summary", {"n": 1, "at": object()})
    events = [q.get_nowait() for q in queues]
    assert all(e is events[0] for e in events)  # one object, one encoding
    assert json.loads(events[0].encoded)["n"] == 1
    bus.unsubscribe(queues[0])
    assert bus.subscriber_count == 2

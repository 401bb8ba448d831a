"""The operator's pause of the whole bridge (POST /api/pause): while it lasts /v1 answers
503 + Retry-After at once and nothing is leased, so no request reaches the site."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from ..errors import BadRequest, Paused
from ..identity.pause import PauseSwitch

if TYPE_CHECKING:
    from ..pool.dispatcher import Dispatcher
    from ..util.event_bus import EventBus

log = logging.getLogger(__name__)

MAX_PAUSE_S = 30 * 86_400  # a typo must not pause the bridge for a century


def pause_seconds(body: Any) -> float:
    """The `seconds` of a `{"seconds": N}` body: 0 (resume) up to MAX_PAUSE_S."""
    value = body.get("seconds") if isinstance(body, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise BadRequest('Send {"seconds": N}: a number, 0 resumes.', param="seconds")
    if not 0 <= value <= MAX_PAUSE_S:
        raise BadRequest(f"seconds must be between 0 and {MAX_PAUSE_S}.", param="seconds")
    return float(value)


class PauseControl:
    """Pauses and resumes leasing; persisted by the switch, announced on the bus."""

    def __init__(self, switch: PauseSwitch, dispatcher: Dispatcher, bus: EventBus) -> None:
        self._switch = switch
        self._dispatcher = dispatcher
        self._bus = bus
        dispatcher.paused = self.error

    def error(self) -> Paused | None:
        """The 503 to answer with while paused, None while running."""
        left = self._switch.remaining_s()
        if left <= 0:
            return None
        return Paused(
            f"The bridge is paused by its operator for another {math.ceil(left)}s; nothing "
            "is sent to the site meanwhile. Retry later.",
            retry_after_s=left,
        )

    def check(self) -> None:
        """Raise the 503 while paused (the /v1 routes ask before anything else)."""
        err = self.error()
        if err is not None:
            raise err

    def set(self, body: Any) -> dict[str, Any]:
        """Pause for `seconds` from now (0 resumes); waiters are told at once."""
        seconds = pause_seconds(body)
        self._switch.pause(seconds)
        if self._switch.paused:
            log.warning("paused by the operator for %gs: nothing is sent to the site", seconds)
            self._halt_waiters()
        else:
            log.info("resumed by the operator")
            self._dispatcher.wake()
        view = self.view()
        self._bus.publish("pause", view)
        return view

    def _halt_waiters(self) -> None:
        """Every waiter is told at once (503 paused); none is served."""
        self._dispatcher.wake()  # conversations waiting for their instance give up (paused)
        while self._dispatcher.queue.wake_next(None):  # woken empty-handed: Paused
            pass

    def remaining_s(self) -> float:
        return self._switch.remaining_s()

    def view(self) -> dict[str, Any]:
        """Whether the bridge is paused, for how much longer, and until when (wall clock)."""
        left = self._switch.remaining_s()
        return {"paused": left > 0, "remaining_s": round(left, 3), "until": self._switch.until}

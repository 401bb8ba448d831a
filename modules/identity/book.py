"""The paces of the identities in use, each saved to the store after every change.

`TrackedPace` is what the pool hands out per instance: the pure `Pace` plus its user id,
a wall clock and the save. An identity whose user id is not known yet gets a pace that
is kept in memory only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..config import PacingConfig
from ..upstream.ratelimit import RateLimit
from .pace import Pace, PaceState, Refusal
from .pace_store import PaceStore

log = logging.getLogger(__name__)


class TrackedPace:
    """One identity's pace on the wall clock, saved after every event."""

    def __init__(
        self,
        pace: Pace,
        user_id: str | None,
        save: Callable[[str, PaceState], None] | None,
        clock: Callable[[], float],
    ) -> None:
        self.pace = pace
        self.user_id = user_id
        self._save = save
        self._clock = clock

    @property
    def state(self) -> PaceState:
        return self.pace.state

    def next_slot(self) -> float:
        """Wall-clock time of the next allowed send."""
        return self.pace.next_slot(self._clock())

    def wait_s(self) -> float:
        return self.pace.wait_s(self._clock())

    def allows(self) -> bool:
        return self.pace.allows(self._clock())

    def penalty_left_s(self) -> float:
        return self.pace.penalty_left_s(self._clock())

    def held(self) -> bool:
        return self.pace.held(self._clock())

    def penalised(self) -> bool:
        return self.pace.penalised(self._clock())

    def rate_per_hour(self) -> float:
        return self.pace.rate_per_hour()

    def sent(self) -> None:
        self.pace.on_send(self._clock())
        self._persist()

    def succeeded(self) -> None:
        self.pace.on_success(self._clock())
        self._persist()

    def refused(self, kind: Refusal, retry_after_s: float | None = None) -> None:
        self.pace.on_refusal(self._clock(), kind, retry_after_s)
        self._persist()

    def rate_limit(self, header: RateLimit) -> None:
        """Honour the site's `ratelimit` header (remaining 0: wait for its reset)."""
        if header.remaining <= 0:
            self.pace.on_ratelimit(self._clock(), header.remaining, header.reset_s)
            self._persist()

    def _persist(self) -> None:
        if self._save is None or self.user_id is None:
            return
        try:
            self._save(self.user_id, self.pace.state)
        except Exception as err:  # a full disk must not fail the request; the pace still holds
            log.warning("could not save the pace of an identity: %s", err)


class PaceBook:
    """Hands out the pace of each identity, restored from the store by user id."""

    def __init__(
        self,
        config: PacingConfig,
        store: PaceStore | None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._store = store
        self._clock = clock
        self._live: dict[str, TrackedPace] = {}

    def pace_for(self, user_id: str | None) -> TrackedPace:
        """The pace of `user_id` (one shared object per identity); fresh when unknown."""
        if user_id is None:
            return TrackedPace(Pace(self.config), None, None, self._clock)
        live = self._live.get(user_id)
        if live is not None:
            return live
        state = self._store.load(user_id) if self._store is not None else None
        save = self._store.save if self._store is not None else None
        tracked = TrackedPace(Pace(self.config, state), user_id, save, self._clock)
        self._live[user_id] = tracked
        return tracked

    def release(self, user_id: str | None) -> None:
        """Forget the live object of an identity no instance uses (its row stays stored)."""
        if user_id is not None:
            self._live.pop(user_id, None)

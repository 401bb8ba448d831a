"""An instance: one browser context on the arena, its state (see instance_state) and counters."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..config import PacingConfig
from ..identity.book import TrackedPace
from ..identity.pace import Pace
from ..upstream.identity import SessionIdentity
from .health_score import HealthScore
from .instance_spec import InstanceSpec
from .instance_state import InvalidTransition, State, allowed
from .latency import Ewma
from .snapshot import InstanceSnapshot

if TYPE_CHECKING:
    from ..browser.page_session import PageSession
    from ..browser.transport import Transport

log = logging.getLogger(__name__)
StateListener = Callable[["Instance", str, str, str], None]


class Instance:
    """Everything the coordinator knows about one instance."""

    def __init__(
        self,
        instance_id: str,
        seq: int,
        *,
        max_concurrent: int,
        ewma_alpha: float,
        failure_threshold: int,
        on_state: StateListener,
        clock: Callable[[], float] = time.monotonic,
        spec: InstanceSpec | None = None,
        spare: bool = False,
    ) -> None:
        self.id = instance_id
        self.seq = seq
        self.spec = spec or InstanceSpec()
        self.max_concurrent = self.spec.max_concurrent or max_concurrent
        self._clock = clock
        self._on_state = on_state
        self._state = State.STARTING
        self.state_reason = "starting"
        self.created_at = time.time()
        self.page: PageSession | None = None
        self.transport: Transport | None = None
        # Every transport this instance may use (auto: both), by name; `transport` is one.
        self.transports: dict[str, Transport] = {}
        self.origin = ""  # where the page landed after redirects; every call goes there
        self.browser_label = ""
        self.identity = SessionIdentity(None, None, None)
        self.session_started_at = time.time()
        self.session_started_mono = clock()
        self.session_requests = 0
        self.total_requests = 0
        self._in_flight = 0
        self.last_used_at: float | None = None
        self.last_evaluation_id: str | None = None
        self.latency = Ewma(ewma_alpha)
        self.ttft = Ewma(ewma_alpha)
        self.health = HealthScore(failure_threshold, clock=clock)
        self._cooling_until = 0.0
        self.last_error: str | None = None
        self.spare = spare  # a warm spare: loaded, idle, gets no traffic until promoted
        self.last_check: dict[str, Any] | None = None  # the latest health probe's verdict
        self.login_expired = False  # the site answers 401 to its login (/api/me): log in again
        # The identity's pace; until the identity is known, one that never holds back.
        self._pace = TrackedPace(Pace(PacingConfig(enabled=False)), None, None, time.time)

    @property
    def in_flight(self) -> int:
        """Requests holding a slot now (reserve/release keep it between 0 and the holds)."""
        return self._in_flight

    @property
    def cooling_until(self) -> float:
        """Monotonic time at which a cool-down ends (0 when none was ever set)."""
        return self._cooling_until

    @property
    def pace(self) -> TrackedPace:
        """When this identity may send next; what refusals did to it."""
        return self._pace

    @property
    def base_state(self) -> State:
        return self._state

    @property
    def state(self) -> State:
        if self._state is State.READY and self.in_flight > 0:
            return State.BUSY
        return self._state

    @property
    def usable(self) -> bool:
        return self._state is State.READY and self.page is not None and self.page.alive

    @property
    def has_room(self) -> bool:
        return self.usable and self.in_flight < self.max_concurrent

    def can_become(self, new: State) -> bool:
        return allowed(self._state, new)

    def set_state(self, new: State, reason: str) -> bool:
        """Move to `new`; False when already there; InvalidTransition when not allowed."""
        if new is self._state:
            self.state_reason = reason
            return False
        if not allowed(self._state, new):
            raise InvalidTransition(f"{self.id}: {self._state} -> {new} is not allowed")
        old_visible = self.state.value
        self._state = new
        self.state_reason = reason
        self._on_state(self, old_visible, self.state.value, reason)
        return True

    # --- the only writers of the counters and links above --------------------
    def reserve(self, now: float) -> None:
        """Hold one slot for a request."""
        self._in_flight += 1
        self.last_used_at = now

    def release(self) -> None:
        """Give one slot back; a release without a hold is a bug, logged and not counted."""
        if self._in_flight == 0:
            log.error("%s: released a slot it did not hold", self.id)
            return
        self._in_flight -= 1

    def finish_request(self, ok: bool, elapsed_s: float) -> None:
        """Count one request that ran here; a success also counts as good health."""
        self.total_requests += 1
        self.session_requests += 1
        if ok:
            self.health.mark_good()
            self.latency.update(elapsed_s)

    def note_first_token(self, ttft_s: float) -> None:
        self.ttft.update(ttft_s)

    def note_evaluation(self, evaluation_id: str | None) -> None:
        """The upstream conversation this instance's last request used."""
        self.last_evaluation_id = evaluation_id

    def note_error(self, reason: str) -> None:
        self.last_error = reason

    def cool_down_until(self, deadline: float, reason: str) -> None:
        """Rest until `deadline` (monotonic); the state becomes COOLING_DOWN."""
        self._cooling_until = deadline
        self.set_state(State.COOLING_DOWN, reason)

    def promote(self) -> None:
        """A warm spare starts taking traffic."""
        self.spare = False

    def set_max_concurrent(self, limit: int) -> None:
        self.max_concurrent = max(1, limit)

    def attach(
        self,
        page: PageSession,
        transport: Transport,
        browser_label: str,
        *,
        origin: str = "",
        alternatives: Sequence[Transport] = (),
    ) -> None:
        """Link the instance to its (new) page and the transport that sends from it;
        `alternatives` it may switch to by name; `origin`: where the page landed."""
        self.page, self.transport, self.browser_label = page, transport, browser_label
        self.origin = origin
        self.transports = {t.name: t for t in (transport, *alternatives)}

    def switch_transport(self, name: str) -> bool:
        """Use the transport called `name` from now on; False when it has none by that name."""
        chosen = self.transports.get(name)
        if chosen is None or chosen is self.transport:
            return False
        self.transport = chosen
        return True

    def detach(self) -> PageSession | None:
        """Unlink the page (the caller closes it); the instance can no longer send."""
        page, self.page, self.transport, self.transports = self.page, None, None, {}
        return page

    def set_identity(self, identity: SessionIdentity) -> None:
        """Who the site thinks this instance is (read from the page's cookies)."""
        self.identity = identity

    def record_check(self, ok: bool, verdict: str, duration_s: float) -> None:
        """Keep the verdict of the latest health probe (shown with the instance)."""
        self.last_check = {
            "at": time.time(),
            "ok": ok,
            "verdict": verdict,
            "duration_s": round(duration_s, 3),
        }

    def set_pace(self, pace: TrackedPace) -> None:
        """The pace of this instance's identity (restored by user id)."""
        self._pace = pace

    def new_session(self) -> None:
        """A fresh session started: its age and request budget start again."""
        self.session_started_at = time.time()
        self.session_started_mono = self._clock()
        self.session_requests = 0

    def snapshot(self) -> InstanceSnapshot:
        return InstanceSnapshot(
            id=self.id,
            state=self.state.value,
            in_flight=self.in_flight,
            max_concurrent=self.max_concurrent,
            ewma_latency_s=self.latency.value,
            samples=self.latency.samples,
            last_used_at=self.last_used_at,
            cooling_until=self.cooling_until,
        )

    def describe(self) -> dict[str, Any]:
        """The JSON view used by /api/instances and the GUI."""
        return {
            "id": self.id,
            "label": self.spec.label,
            "settings": self.spec.describe(),
            "state": self.state.value,
            "state_reason": self.state_reason,
            "browser": self.browser_label,
            "transport": self.transport.name if self.transport is not None else None,
            "in_flight": self.in_flight,
            "max_concurrent": self.max_concurrent,
            "requests": self.total_requests,
            "ewma_latency_s": _round(self.latency.value),
            "ewma_ttft_s": _round(self.ttft.value),
            "last_error": self.last_error,
            "created_at": self.created_at,
            "cooling_down_s": _round(max(0.0, self.cooling_until - self._clock())),
            "error_score": _round(self.health.error_score),
            "last_check": self.last_check,
            "login_expired": self.login_expired,
            "pacing": self.pace_view(),
            "identity": {
                "user_id": self.identity.user_id,
                "provisional_user_id": self.identity.provisional_user_id,
                "session_started_at": self.session_started_at,
                "session_age_s": _round(time.time() - self.session_started_at),
                "session_requests": self.session_requests,
                "last_evaluation_id": self.last_evaluation_id,
            },
        }

    def pace_view(self) -> dict[str, Any]:
        """The pace as the API and the GUI show it (seconds from now)."""
        pace = self._pace
        state = pace.state
        return {
            "next_slot_s": _round(pace.wait_s()),
            "penalty_s": _round(pace.penalty_left_s()),
            "streak": state.streak,
            "interval_s": _round(state.interval_s),
            "refusals": dict(state.refusals),
            "rate_per_hour": _round(pace.rate_per_hour()) if pace.pace.config.enabled else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

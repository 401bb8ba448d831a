"""The instance state machine: its states and the transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    STARTING = "starting"
    READY = "ready"
    BUSY = "busy"
    COOLING_DOWN = "cooling_down"
    UNHEALTHY = "unhealthy"
    NEEDS_ATTENTION = "needs_attention"
    DRAINING = "draining"
    CLOSED = "closed"


ALL_STATES = tuple(s.value for s in State)
# BUSY is not stored: it is READY with work in flight (see Instance.state).
_ALLOWED: dict[State, set[State]] = {
    State.STARTING: {
        State.READY,
        State.UNHEALTHY,
        State.NEEDS_ATTENTION,
        State.DRAINING,
        State.CLOSED,
    },
    State.READY: {State.COOLING_DOWN, State.UNHEALTHY, State.NEEDS_ATTENTION, State.DRAINING},
    State.COOLING_DOWN: {State.READY, State.UNHEALTHY, State.NEEDS_ATTENTION, State.DRAINING},
    State.NEEDS_ATTENTION: {State.READY, State.UNHEALTHY, State.DRAINING},
    State.UNHEALTHY: {State.DRAINING, State.CLOSED},
    State.DRAINING: {State.CLOSED},
    State.CLOSED: set(),
}


class InvalidTransition(RuntimeError):
    """A state change the state machine does not allow."""


def allowed(old: State, new: State) -> bool:
    """Whether the state machine lets an instance move from `old` to `new`."""
    return new in _ALLOWED[old]

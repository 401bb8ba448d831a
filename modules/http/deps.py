"""Typed FastAPI dependencies: what a handler may ask for, read from the app's state."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from ..app.coordinator import Coordinator
from .auth import Guard


def _coordinator(request: Request) -> Coordinator:
    # Set by the lifespan in api_server.create_app before the first request.
    return cast(Coordinator, request.app.state.coordinator)


def _guard(request: Request) -> Guard:
    return cast(Guard, request.app.state.guard)


CoordinatorDep = Annotated[Coordinator, Depends(_coordinator)]
GuardDep = Annotated[Guard, Depends(_guard)]


def require_api_key(request: Request, guard: GuardDep) -> None:
    """/v1 needs one of `auth.api_keys` when any are set."""
    guard.check_api(request)


def require_admin(request: Request, guard: GuardDep) -> None:
    """/api, /metrics and the GUI need the admin key (or loopback without one)."""
    guard.check_admin(request)


def refuse_while_paused(coord: CoordinatorDep) -> None:
    """While the operator's pause lasts /v1 answers 503 + Retry-After, touching nothing."""
    coord.pause.check()

"""Settings and the per-app state every route reaches through `request.app.state.arena`."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from . import catalog
from .knobs import Knobs, merge_knobs
from .recaptcha_tokens import TokenBook
from .risk import Attempt
from .sessions import SessionRegistry, User


class ArenaSettings(BaseModel):
    """How one arena starts: its knobs and models."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    knobs: Knobs = Field(default_factory=Knobs, description="Knobs at start and after reset.")
    models: tuple[dict[str, Any], ...] = Field(catalog.MODELS, description="initialModels.")
    record_limit: int = Field(200, ge=0, description="Accepted request bodies kept for tests.")


@dataclass
class ArenaState:
    """Mutable state of one running arena; owned by its app, never global."""

    settings: ArenaSettings
    knobs: Knobs
    sessions: SessionRegistry = field(default_factory=SessionRegistry)
    recorded: deque[dict[str, Any]] = field(default_factory=deque)
    tokens: TokenBook = field(default_factory=TokenBook)
    active_streams: int = 0
    # Chat pages served so far; each recorded send notes how many came before it.
    page_loads: int = 0
    # Set on shutdown so stalled streams end instead of holding the server open.
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    # Wall-clock seconds for tokens, quota, risk and attempt times; tests may swap it.
    clock: Callable[[], float] = field(default_factory=lambda: time.time)

    @classmethod
    def create(cls, settings: ArenaSettings) -> ArenaState:
        """Fresh state for an arena with these settings."""
        # A copy: counting fail_next down must not change the knobs a reset restores.
        knobs = settings.knobs.model_copy(deep=True)
        return cls(settings=settings, knobs=knobs, recorded=deque(maxlen=settings.record_limit))

    def update_knobs(self, update: dict[str, Any]) -> Knobs:
        """Merge a partial update (or reset); raises ValueError on bad input."""
        new = merge_knobs(self.knobs, update, self.settings.knobs)
        if update.get("reset"):
            self.sessions.clear_windows()
            self.tokens.clear()
        self.knobs = new
        return new

    def record(self, method: str, path: str, user_id: str, body: Any) -> None:
        """Keep an accepted request body for tests to inspect."""
        self.recorded.append(
            {
                "time": self.clock(),
                "method": method,
                "path": path,
                "user_id": user_id,
                "body": body,
                "page_loads": self.page_loads,
            }
        )

    def log_attempt(self, user: User, path: str, status: int, outcome: str) -> None:
        """Count a send attempt by this user and how it was answered."""
        user.standing.log(Attempt(self.clock(), path, status, outcome))

    def control_snapshot(self) -> dict[str, Any]:
        """What GET /_control reports."""
        knobs, now = self.knobs, self.clock()
        users = self.sessions.users.values()
        return {
            "knobs": knobs.model_dump(),
            "protocol": "2025" if knobs.legacy_protocol else "2026",
            "time": now,
            "sessions": [
                {
                    "user_id": u.id,
                    "order": u.order,
                    "requests": u.requests,
                    "speed_factor": knobs.speed_factor(u.id, u.order),
                    "challenged": knobs.challenges(u.id),
                    "via": dict(u.via),
                    **u.standing.snapshot(now),
                }
                for u in users
            ],
            "request_counts": {u.id: u.requests for u in users},
            "total_requests": self.sessions.total_requests,
            "session_count": len(self.sessions.users),
            "active_streams": self.active_streams,
            "page_loads": self.page_loads,
        }


def arena_state(request: Request) -> ArenaState:
    """The state of the arena serving this request."""
    return cast(ArenaState, request.app.state.arena)

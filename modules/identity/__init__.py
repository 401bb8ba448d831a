"""Identity budget: each identity's pace, its stored state, and saved logins (profiles)."""

from __future__ import annotations

from modules.identity.pace import Pace, PaceState, Refusal
from modules.identity.pace_store import PaceStore

__all__ = [
    "Pace",
    "PaceState",
    "PaceStore",
    "Refusal",
]

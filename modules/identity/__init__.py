"""Identity budget: each identity's pace, its stored state, and saved logins (profiles)."""

from __future__ import annotations

from modules.identity.book import PaceBook, TrackedPace
from modules.identity.pace import Pace, PaceState, Refusal
from modules.identity.pace_store import PaceStore
from modules.identity.pause import PauseSwitch
from modules.identity.profiles import ProfileMeta, ProfileStore, check_name
from modules.identity.schedule import capacity_per_hour, nth_slot
from modules.identity.storage_state import (
    Login,
    auth_fingerprint,
    login_from_cookie,
    login_from_storage_state,
    summarise,
)

__all__ = [
    "Login",
    "Pace",
    "PaceBook",
    "PaceState",
    "PaceStore",
    "PauseSwitch",
    "ProfileMeta",
    "ProfileStore",
    "Refusal",
    "TrackedPace",
    "auth_fingerprint",
    "capacity_per_hour",
    "check_name",
    "login_from_cookie",
    "login_from_storage_state",
    "nth_slot",
    "summarise",
]

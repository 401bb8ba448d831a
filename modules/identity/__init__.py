"""Identity budget: each identity's pace, its stored state, and saved logins (profiles)."""

from __future__ import annotations

from modules.identity.pace import Pace, PaceState, Refusal
from modules.identity.pace_store import PaceStore
from modules.identity.profiles import ProfileMeta, ProfileStore, check_name
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
    "PaceState",
    "PaceStore",
    "ProfileMeta",
    "ProfileStore",
    "Refusal",
    "auth_fingerprint",
    "check_name",
    "login_from_cookie",
    "login_from_storage_state",
    "summarise",
]

"""Anonymous users, their cookies, evaluation-session ownership and request counters."""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..upstream import protocol
from .evaluations import Evaluation
from .quota import QuotaWindow
from .risk import Standing

# Long enough that the encoded cookie exceeds AUTH_COOKIE_CHUNK and must be split,
# like the real site's JWT-bearing session.
_ACCESS_TOKEN_BYTES = 2600
_SESSION_LIFETIME_S = 3600


def uuid7() -> str:
    """A time-ordered UUIDv7, as the site uses for new users, sessions and messages."""
    value = (int(time.time() * 1000) & ((1 << 48) - 1)) << 80
    value |= int.from_bytes(os.urandom(10), "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def encode_session(user_id: str, *, anonymous: bool = True) -> str:
    """The full auth cookie value: "base64-" + base64url(JSON session)."""
    session = {
        "access_token": secrets.token_urlsafe(_ACCESS_TOKEN_BYTES),
        "token_type": "bearer",
        "expires_in": _SESSION_LIFETIME_S,
        "expires_at": int(time.time()) + _SESSION_LIFETIME_S,
        "refresh_token": secrets.token_urlsafe(12),
        "user": {"id": user_id, "aud": "authenticated", "is_anonymous": anonymous},
    }
    raw = base64.urlsafe_b64encode(json.dumps(session).encode()).decode().rstrip("=")
    return protocol.AUTH_COOKIE_PREFIX + raw


def auth_cookie_parts(value: str) -> dict[str, str]:
    """Cookie name → value; split into AUTH_COOKIE.0, .1, ... when too long for one."""
    size = protocol.AUTH_COOKIE_CHUNK
    if len(value) <= size:
        return {protocol.AUTH_COOKIE: value}
    chunks = [value[i : i + size] for i in range(0, len(value), size)]
    return {f"{protocol.AUTH_COOKIE}.{n}": chunk for n, chunk in enumerate(chunks)}


def _joined_auth_cookie(cookies: Mapping[str, str]) -> str | None:
    """The auth cookie value, concatenating numbered parts in order."""
    if protocol.AUTH_COOKIE in cookies:
        return cookies[protocol.AUTH_COOKIE]
    parts: list[str] = []
    while (part := cookies.get(f"{protocol.AUTH_COOKIE}.{len(parts)}")) is not None:
        parts.append(part)
    return "".join(parts) or None


def user_id_from_cookies(cookies: Mapping[str, str]) -> str | None:
    """Decode the user id from the (possibly split) auth cookie; None if absent or bad."""
    value = _joined_auth_cookie(cookies)
    if value is None or not value.startswith(protocol.AUTH_COOKIE_PREFIX):
        return None
    raw = value[len(protocol.AUTH_COOKIE_PREFIX) :]
    # Accept both base64 alphabets, with or without padding.
    raw = raw.replace("+", "-").replace("/", "_").rstrip("=")
    try:
        session = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        user_id = session["user"]["id"]
    except (ValueError, TypeError, KeyError):
        return None
    return user_id if isinstance(user_id, str) else None


@dataclass
class User:
    """One anonymous visitor."""

    id: str
    order: int  # 1-based sign-up order, for knobs like "every third session is slow"
    requests: int = 0
    recent: deque[float] = field(default_factory=deque)  # accepted request times
    standing: Standing = field(default_factory=Standing)  # attempts, refusals, risk flag
    quota: QuotaWindow = field(default_factory=QuotaWindow)  # the ratelimit headers' budget
    anonymous: bool = True  # False: an account a person logged into (made by /_control)
    expired: bool = False  # its login no longer works: every call answers 401
    via: dict[str, int] = field(default_factory=dict)  # requests per proxy name ("" = direct)


class SessionRegistry:
    """Users, evaluation sessions and counters of one arena."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.evaluations: dict[str, Evaluation] = {}
        self.total_requests = 0

    def sign_up(self, *, anonymous: bool = True) -> User:
        """Create a new user (anonymous, or an account as if a person had logged in)."""
        user = User(id=uuid7(), order=len(self.users) + 1, anonymous=anonymous)
        self.users[user.id] = user
        return user

    def user_for(self, cookies: Mapping[str, str]) -> User | None:
        """The known user these cookies belong to, else None (absent, bad or expired)."""
        user_id = user_id_from_cookies(cookies)
        user = self.users.get(user_id) if user_id else None
        return None if user is None or user.expired else user

    def expire(self, user_id: str) -> bool:
        """End a user's login (as the site does when a session expires); False if unknown."""
        user = self.users.get(user_id)
        if user is not None:
            user.expired = True
        return user is not None

    def count_request(self, user: User) -> None:
        """Count one authenticated stream request."""
        user.requests += 1
        self.total_requests += 1

    def rate_limited(self, user: User, max_requests: int, window_s: float) -> float | None:
        """Seconds until the window frees if this request is over the limit, else None."""
        now = time.monotonic()
        while user.recent and user.recent[0] <= now - window_s:
            user.recent.popleft()
        if len(user.recent) >= max_requests:
            oldest = user.recent[0] if user.recent else now
            return max(0.0, oldest + window_s - now)
        user.recent.append(now)
        return None

    def clear_windows(self) -> None:
        """Forget rate-limit and quota windows and risk flags (on knob reset)."""
        for user in self.users.values():
            user.recent.clear()
            user.quota.clear()
            user.standing.clear()

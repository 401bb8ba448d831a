"""Read an instance's session identity from its cookies (SPEC appendix)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .protocol import AUTH_COOKIE, AUTH_COOKIE_CHUNK, AUTH_COOKIE_PREFIX, PROVISIONAL_USER_COOKIE

_PART = re.compile(re.escape(AUTH_COOKIE) + r"\.(\d+)$")


@dataclass(frozen=True, slots=True)
class SessionIdentity:
    """Who the site thinks this instance is."""

    user_id: str | None
    provisional_user_id: str | None
    expires_at: float | None

    @property
    def known(self) -> bool:
        return bool(self.user_id or self.provisional_user_id)


def auth_cookie_value(cookies: Mapping[str, str]) -> str | None:
    """The auth cookie, joined from its numbered parts when the site split it."""
    if AUTH_COOKIE in cookies:
        return cookies[AUTH_COOKIE]
    parts = sorted(
        ((int(m.group(1)), value) for name, value in cookies.items() if (m := _PART.match(name))),
    )
    return "".join(value for _, value in parts) or None


def split_auth_cookie(value: str) -> dict[str, str]:
    """Cookie name -> value as the site stores it: numbered parts when too long for one."""
    size = AUTH_COOKIE_CHUNK
    if len(value) <= size:
        return {AUTH_COOKIE: value}
    chunks = [value[i : i + size] for i in range(0, len(value), size)]
    return {f"{AUTH_COOKIE}.{n}": chunk for n, chunk in enumerate(chunks)}


def decode_identity(cookies: Mapping[str, str]) -> SessionIdentity:
    """Decode the user id from the auth cookie; tolerate anything malformed."""
    raw = auth_cookie_value(cookies)
    user_id = expires = None
    if raw and raw.startswith(AUTH_COOKIE_PREFIX):
        # Either base64 alphabet, padded or not (the site's client writes base64url).
        payload = raw[len(AUTH_COOKIE_PREFIX) :].replace("+", "-").replace("/", "_").rstrip("=")
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            user_id = (data.get("user") or {}).get("id")
            expires = data.get("expires_at")
        except (ValueError, AttributeError):
            pass
    return SessionIdentity(user_id, cookies.get(PROVISIONAL_USER_COOKIE), expires)


def me_user_id(body: str) -> str | None:
    """The user id in a `GET /api/me` answer (`{"user": {"id": ...}}`); None if absent."""
    try:
        user = json.loads(body).get("user") or {}
    except (ValueError, AttributeError):
        return None
    user_id = user.get("id") if isinstance(user, dict) else None
    return user_id if isinstance(user_id, str) else None

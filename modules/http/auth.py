"""API keys for /v1, the admin key (or loopback-only) for /api, /metrics and the GUI."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from ..config import AuthConfig
from ..errors import PermissionDenied, Unauthorized
from ..util.netaddr import is_loopback

ADMIN_COOKIE = "bridge_admin"
_MAX_SESSIONS = 64


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Guard:
    """Checks credentials; admin sessions are random tokens held in memory (HttpOnly cookie)."""

    def __init__(self, auth: AuthConfig) -> None:
        self._api_keys = list(auth.api_keys)
        self._admin_key = auth.admin_key
        self._sessions: dict[str, None] = {}  # insertion-ordered set of login tokens

    @property
    def admin_required(self) -> bool:
        return self._admin_key is not None

    def check_api(self, request: Request) -> None:
        if not self._api_keys:
            return
        token = _bearer(request)
        if token is None or not any(hmac.compare_digest(token, k) for k in self._api_keys):
            raise Unauthorized(
                "Incorrect or missing API key. Send 'Authorization: Bearer KEY'.",
                code="invalid_api_key",
            )

    def admin_ok(self, request: Request) -> bool:
        if self._admin_key is None:
            return is_loopback(request.client.host if request.client else None)
        token = _bearer(request)
        if token is not None and hmac.compare_digest(token, self._admin_key):
            return True
        cookie = request.cookies.get(ADMIN_COOKIE)
        return cookie is not None and any(hmac.compare_digest(cookie, s) for s in self._sessions)

    def check_admin(self, request: Request) -> None:
        if self.admin_ok(request):
            return
        if self._admin_key is None:
            raise PermissionDenied(
                "The management API is only served on loopback when no admin key "
                "is configured (auth.admin_key).",
                code="loopback_only",
            )
        raise Unauthorized("Admin key required.", code="admin_key_required")

    def login(self, key: str) -> str:
        if self._admin_key is None or not hmac.compare_digest(key, self._admin_key):
            raise Unauthorized("Wrong admin key.", code="invalid_admin_key")
        token = secrets.token_urlsafe(32)
        self._sessions[token] = None
        while len(self._sessions) > _MAX_SESSIONS:  # oldest logins go first
            self._sessions.pop(next(iter(self._sessions)))
        return token

    def logout(self, token: str | None) -> None:
        if token:
            self._sessions.pop(token, None)

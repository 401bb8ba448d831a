"""API keys for /v1; the admin key (or, on a plain loopback bind, loopback) for /api,
/metrics, /openapi.json and the GUI; admin logins with lock-out and expiring sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from ..config import AuthConfig, ServerConfig
from ..errors import PermissionDenied, Unauthorized
from ..util.netaddr import is_loopback
from .login_throttle import LoginThrottle

ADMIN_COOKIE = "bridge_admin"
_MAX_SESSIONS = 64


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _bytes(text: str) -> bytes:
    # Headers arrive as latin-1 text, JSON may hold lone surrogates: any str must encode.
    return text.encode("utf-8", "surrogatepass")


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets of any characters."""
    return hmac.compare_digest(_bytes(given), _bytes(expected))


def _digest(token: str) -> str:
    return hashlib.sha256(_bytes(token)).hexdigest()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@dataclass(slots=True)
class _Session:
    created: float
    used: float


class Guard:
    """Checks credentials; admin sessions are random tokens held in memory (HttpOnly cookie)."""

    def __init__(
        self,
        auth: AuthConfig,
        server: ServerConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api_keys = list(auth.api_keys)
        self._admin_key = auth.admin_key
        # Being on loopback proves nothing behind a proxy or on a public bind.
        self._loopback_admin = (
            auth.admin_key is None and is_loopback(server.host) and not server.behind_proxy
        )
        self._idle_s = auth.session_idle_s
        self._max_s = auth.session_max_s
        self._clock = clock
        self._sessions: dict[str, _Session] = {}  # sha256(token) -> times, oldest first
        self.throttle = LoginThrottle(auth.login_max_failures, auth.login_lockout_s, clock=clock)

    @property
    def admin_required(self) -> bool:
        return self._admin_key is not None

    def check_api(self, request: Request) -> None:
        if not self._api_keys:
            return
        # Anthropic's SDKs send the key as `x-api-key` (for /v1/messages).
        token = _bearer(request) or request.headers.get("x-api-key")
        if token is None or not any(same_secret(token, k) for k in self._api_keys):
            raise Unauthorized(
                "Incorrect or missing API key. Send 'Authorization: Bearer KEY'.",
                code="invalid_api_key",
            )

    def admin_ok(self, request: Request, *, touch: bool = True) -> bool:
        """Whether the request may use the admin side; `touch` counts it as session use."""
        if self._admin_key is None:
            return self._loopback_admin and is_loopback(client_address(request))
        token = _bearer(request)
        if token is not None and same_secret(token, self._admin_key):
            return True
        return self._session_ok(request.cookies.get(ADMIN_COOKIE), touch)

    def check_admin(self, request: Request) -> None:
        if self.admin_ok(request):
            return
        if self._admin_key is None:
            raise PermissionDenied(
                "The management API is only served on loopback when no admin key "
                "is configured (auth.admin_key).",
                code="loopback_only",
            )
        if _bearer(request) is not None:  # a wrong key in a header is a guess like a login
            self.throttle.check(client_address(request))
            self.throttle.failed(client_address(request))
        raise Unauthorized("Admin key required.", code="admin_key_required")

    def login(self, key: str, client: str) -> str:
        self.throttle.check(client)
        if self._admin_key is None or not same_secret(key, self._admin_key):
            self.throttle.failed(client)
            raise Unauthorized("Wrong admin key.", code="invalid_admin_key")
        self.throttle.succeeded(client)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self._sessions[_digest(token)] = _Session(now, now)
        while len(self._sessions) > _MAX_SESSIONS:  # oldest logins go first
            self._sessions.pop(next(iter(self._sessions)))
        return token

    def logout(self, token: str | None) -> None:
        if token:
            self._sessions.pop(_digest(token), None)

    def _session_ok(self, token: str | None, touch: bool) -> bool:
        if not token:
            return False
        key = _digest(token)
        session = self._sessions.get(key)
        if session is None:
            return False
        now = self._clock()
        if now - session.used > self._idle_s or now - session.created > self._max_s:
            del self._sessions[key]
            return False
        if touch:
            session.used = now
        return True

"""The fake reCAPTCHA's token book: single use, short-lived, bound to who asked and why."""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass

TOKEN_TTL_S = 120.0
_SPENT_KEPT = 1000  # spent tokens remembered, to tell "reused" from "unknown"


@dataclass(frozen=True)
class IssuedToken:
    """Who asked for a token (visitor cookie, user if signed in), for what, and when."""

    visitor: str
    user_id: str | None
    action: str
    issued_at: float


class TokenBook:
    """Issues tokens and redeems each at most once; pure apart from randomness."""

    def __init__(self, ttl_s: float = TOKEN_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._live: dict[str, IssuedToken] = {}
        self._spent: deque[str] = deque(maxlen=_SPENT_KEPT)

    def issue(self, visitor: str, user_id: str | None, action: str, now: float) -> str:
        """A new token for this visitor (and user, once signed up) and action."""
        self._forget_expired(now)
        token = "03A" + secrets.token_urlsafe(48)  # real tokens are long and start so
        self._live[token] = IssuedToken(visitor, user_id, action, now)
        return token

    def redeem(
        self, token: object, *, visitor: str | None, user_id: str | None, action: str, now: float
    ) -> str | None:
        """Spend a token; None if it was valid for this request, else why it was not."""
        if not isinstance(token, str) or not token:
            return "missing"
        issued = self._live.pop(token, None)
        if issued is None:
            return "reused" if token in self._spent else "unknown"
        self._spent.append(token)
        if now - issued.issued_at > self.ttl_s:
            return "expired"
        if issued.visitor != visitor or (user_id is not None and issued.user_id != user_id):
            return "foreign"
        if issued.action != action:
            return "wrong action"
        return None

    def clear(self) -> None:
        """Forget every token (on knob reset)."""
        self._live.clear()
        self._spent.clear()

    def _forget_expired(self, now: float) -> None:
        # Kept a while past expiry, so a late redeem still says "expired".
        stale = [t for t, i in self._live.items() if now - i.issued_at > 2 * self.ttl_s]
        for token in stale:
            del self._live[token]

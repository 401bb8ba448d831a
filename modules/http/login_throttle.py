"""Per-client back-off for admin key guesses: after N wrong keys a lock-out that doubles."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import TooManyAttempts

MAX_LOCKOUT_S = 3600.0
_MAX_CLIENTS = 10_000  # beyond this the quietest clients are forgotten (bounded memory)


@dataclass(slots=True)
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Counts wrong keys per client address; refuses a locked client before checking keys."""

    def __init__(
        self, max_failures: int, lockout_s: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_failures = max_failures
        self._lockout_s = lockout_s
        self._clock = clock
        self._clients: OrderedDict[str, _Record] = OrderedDict()

    def check(self, client: str) -> None:
        """Raise TooManyAttempts (429) while `client` is locked out."""
        record = self._clients.get(client)
        if record is None:
            return
        wait = record.locked_until - self._clock()
        if wait > 0:
            raise TooManyAttempts(
                f"Too many wrong admin keys from this address; try again in {math.ceil(wait)} s.",
                retry_after_s=wait,
                code="login_locked",
            )
        if self._clock() - record.last > MAX_LOCKOUT_S:  # long quiet: start afresh
            del self._clients[client]

    def failed(self, client: str) -> None:
        record = self._clients.pop(client, None) or _Record()
        self._clients[client] = record  # most recent last
        now = self._clock()
        record.failures += 1
        record.last = now
        over = record.failures - self._max_failures
        if over >= 0:
            record.locked_until = now + min(MAX_LOCKOUT_S, self._lockout_s * 2 ** min(over, 20))
        while len(self._clients) > _MAX_CLIENTS:
            self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)

"""Is this host name or address the local machine? (one answer for every caller)"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost (brackets around IPv6 allowed)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False

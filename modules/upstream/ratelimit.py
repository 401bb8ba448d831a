"""Read the site's rate-limit headers: `ratelimit: limit=1800, remaining=N, reset=S`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One `ratelimit` header: sends left in the window and seconds until it resets."""

    limit: int | None
    remaining: int
    reset_s: float


def parse_ratelimit(value: str | None) -> RateLimit | None:
    """The header's numbers, or None when it is absent or unreadable (then it is ignored)."""
    if not value:
        return None
    fields: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        key, sep, raw = part.partition("=")
        if sep:
            fields[key.strip().lower()] = raw.strip().strip('"')
    try:
        remaining = int(fields["remaining"])
        reset_s = max(0.0, float(fields.get("reset", "0")))
        limit = int(fields["limit"]) if "limit" in fields else None
    except (KeyError, ValueError):
        return None
    return RateLimit(limit, remaining, reset_s)

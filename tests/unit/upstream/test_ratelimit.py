"""The site's `ratelimit` header is read leniently; anything unreadable is ignored."""

from __future__ import annotations

import pytest

from modules.upstream.ratelimit import RateLimit, parse_ratelimit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("limit=1800, remaining=17, reset=240", RateLimit(1800, 17, 240.0)),
        ("remaining=0;reset=12.5", RateLimit(None, 0, 12.5)),
        ('limit="10", remaining="0", reset="3"', RateLimit(10, 0, 3.0)),
        ("limit=5, remaining=1", RateLimit(5, 1, 0.0)),
        ("remaining=1, reset=-4", RateLimit(None, 1, 0.0)),
    ],
)
def test_readable_headers(value: str, expected: RateLimit) -> None:
    assert parse_ratelimit(value) == expected


@pytest.mark.parametrize("value", [None, "", "limit=10", "remaining=lots", "garbage"])
def test_unreadable_headers_are_ignored(value: str | None) -> None:
    assert parse_ratelimit(value) is None

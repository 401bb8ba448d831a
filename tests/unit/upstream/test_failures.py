"""Non-2xx answers of the site map to the error that says what to do."""

from __future__ import annotations

import pytest

from modules.errors import CoolDown, Forbidden, NeedsAttention, PromptFailed, TokenRefused
from modules.upstream.failures import classify_failure, parse_retry_after


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (403, '{"error":"recaptcha validation failed"}', TokenRefused),
        (403, '{"error":"nope"}', Forbidden),
        (403, "<title>Just a moment...</title>", NeedsAttention),
        (429, '{"error":"prompt failed"}', PromptFailed),
        (429, '{"error":"Too Many Requests"}', CoolDown),
    ],
)
def test_refusals_are_told_apart(status: int, body: str, cls: type[Exception]) -> None:
    err = classify_failure(status, body, "7", "i-1")
    assert type(err) is cls


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("12") == 12
    assert parse_retry_after("0") == 1  # never below a second
    assert parse_retry_after(None) == 30 and parse_retry_after("soon") == 30
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    assert parse_retry_after(date, now=1792567680.0 - 90) == 90

"""UUIDv7 layout, ordering and uniqueness."""

from __future__ import annotations

import time
import uuid

from modules.upstream.ids import Uuid7Generator, uuid7


def test_layout_version_and_variant() -> None:
    value = uuid.UUID(uuid7())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert str(value) == str(value).lower()


def test_timestamp_is_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid.UUID(uuid7())
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after


def test_unique_and_monotonic_in_a_tight_loop() -> None:
    ids = [uuid7() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_fixed_clock_stays_ordered_and_borrows_next_millisecond() -> None:
    make = Uuid7Generator(clock_ms=lambda: 1_700_000_000_000)
    ids = [make() for _ in range(10_000)]  # more than 4096 per millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert uuid.UUID(ids[-1]).int >> 80 > 1_700_000_000_000


def test_clock_going_back_keeps_order() -> None:
    times = iter([5_000, 5_000, 4_000, 6_000])
    make = Uuid7Generator(clock_ms=lambda: next(times))
    ids = [make() for _ in range(4)]
    assert ids == sorted(ids)
    assert uuid.UUID(ids[-1]).int >> 80 == 6_000


def test_injected_randomness() -> None:
    make = Uuid7Generator(clock_ms=lambda: 0x0123456789AB, random_bytes=lambda n: b"\xff" * n)
    assert make() == "01234567-89ab-77ff-bfff-ffffffffffff"

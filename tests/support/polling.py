"""The one polling helper of the test suite: wait for a condition with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def wait_for(
    predicate: Callable[[], Any], timeout_s: float = 20, what: str = "", interval_s: float = 0.02
) -> Any:
    """Poll `predicate` (sync or async) until truthy and return its value; fail after the
    deadline naming `what` (never a fixed sleep in a test)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what or predicate}")
        await asyncio.sleep(interval_s)

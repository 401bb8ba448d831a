"""Run a browser call under a deadline and turn Playwright failures into domain errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from playwright.async_api import Error as PlaywrightError

from ..errors import InstanceFailed, UpstreamTimeout
from ..util.redact import redact_text

T = TypeVar("T")


async def with_deadline(awaitable: Awaitable[T], timeout_s: float, what: str, owner: str) -> T:
    """Await a browser call; a timeout or a dead page becomes an error naming `owner`."""
    try:
        async with asyncio.timeout(timeout_s):
            return await awaitable
    except TimeoutError:
        raise UpstreamTimeout(
            f"{owner}: {what} took longer than {timeout_s:g}s", instance_id=owner
        ) from None
    except PlaywrightError as err:
        text = str(err).strip()
        # Driver errors quote URLs; an endpoint's token or password must not reach logs.
        first = redact_text(text.splitlines()[0]) if text else type(err).__name__
        raise InstanceFailed(f"{owner}: {what} failed: {first}", instance_id=owner) from None

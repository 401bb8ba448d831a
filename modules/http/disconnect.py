"""Racing a request's work against the client going away (so its slot is freed at once)."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from fastapi import Request


class Finishing(Protocol):
    """A request that records how it ended (a ChatJob, or an AgentCall around jobs)."""

    def finish(self, err: BaseException | None, *, cancelled: bool = False) -> None: ...


async def _until_disconnect(request: Request) -> bool:
    """Return True once the client has gone away (its body was already read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    return True


def _client_left(watch: asyncio.Future[bool]) -> bool:
    return watch.done() and not watch.cancelled() and watch.exception() is None


async def wait_or_disconnect(
    work: asyncio.Future[Any], request: Request, wait_s: float | None, job: Finishing
) -> bool:
    """Wait for `work` (at most `wait_s`) while watching the client; True if it left first.

    If this handler is cancelled meanwhile, the work is abandoned and the cancel goes on.
    """
    gone = asyncio.ensure_future(_until_disconnect(request))
    try:
        await asyncio.wait({work, gone}, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        await abandon(work, job)
        raise
    finally:
        gone.cancel()
    return _client_left(gone) and not work.done()


async def abandon(work: asyncio.Future[Any], job: Finishing) -> None:
    """Cancel work nobody waits for (upstream aborted, slot freed) and record it as 499."""
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    job.finish(None, cancelled=True)

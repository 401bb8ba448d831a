"""Log fields: set around a piece of work, seen by its task only, restored after."""

from __future__ import annotations

import asyncio

from modules.util.log_context import current_fields, log_fields


async def test_fields_nest_and_stay_with_their_task() -> None:
    async def work(rid: str, out: dict[str, dict[str, str]]) -> None:
        with log_fields(request_id=rid, instance_id=None):
            await asyncio.sleep(0.01)
            out[rid] = current_fields()

    seen: dict[str, dict[str, str]] = {}
    with log_fields(instance_id="i-1"):
        await asyncio.gather(work("a", seen), work("b", seen))
        assert current_fields() == {"instance_id": "i-1"}
    assert seen == {
        "a": {"instance_id": "i-1", "request_id": "a"},
        "b": {"instance_id": "i-1", "request_id": "b"},
    }
    assert current_fields() == {}

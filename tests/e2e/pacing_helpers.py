"""Helpers of the identity-budget e2e tests: make the local arena penalise one identity."""

from __future__ import annotations

from tests.e2e.harness import Bridge

PROMPT_FAILED = {"status": 429, "body": {"error": "prompt failed"}, "count": 1}


async def user_ids(bridge: Bridge) -> dict[str, str]:
    """Instance id -> the user id of its identity."""
    return {i["id"]: i["identity"]["user_id"] for i in await bridge.instances()}


async def penalise(bridge: Bridge, instance_id: str, users: dict[str, str]) -> int:
    """Refuse this identity's next send with `prompt failed` (a penalty); ask until it drew
    it. Returns the HTTP status of the request that was refused on it."""
    await bridge.knobs(fail_next={**PROMPT_FAILED, "sessions": [users[instance_id]]})
    model = await bridge.model()
    for n in range(8):
        r = await bridge.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": [{"role": "user", "content": f"ask {n}"}]},
        )
        pace = {i["id"]: i["pacing"] for i in await bridge.instances()}[instance_id]
        if pace["penalty_s"] > 0:
            return r.status_code
    raise AssertionError(f"{instance_id} was never refused")

"""Small helpers shared by the pool/queue/failover/admin end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.e2e.harness import Bridge

ROUTING_HEADERS = (
    "x-bridge-instance",
    "x-bridge-strategy",
    "x-bridge-queue-ms",
    "x-bridge-attempts",
)


async def chat(bridge: Bridge, model: str, text: str) -> tuple[httpx.Headers, str]:
    """One non-streamed completion through the openai SDK: (response headers, content)."""
    raw = await bridge.client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": text}]
    )
    reply = raw.parse()
    return raw.headers, reply.choices[0].message.content or ""


async def ask(bridge: Bridge, model: str, messages: list[dict[str, str]]) -> tuple[str, Any]:
    """One non-streamed completion of a whole conversation: (content, response headers)."""
    raw = await bridge.client.chat.completions.with_raw_response.create(
        model=model, messages=messages
    )
    content = raw.parse().choices[0].message.content
    assert content
    return content, raw.headers


async def user_ids(bridge: Bridge) -> dict[str, str]:
    """instance id -> the arena user id of its session."""
    return {i["id"]: i["identity"]["user_id"] for i in await bridge.instances()}


async def arena_control(bridge: Bridge) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as arena:
        r = await arena.get("/_control")
        r.raise_for_status()
        return r.json()


async def in_flight(bridge: Bridge) -> dict[str, int]:
    """instance id -> requests in flight, as /api/instances reports it."""
    return {i["id"]: i["in_flight"] for i in await bridge.instances()}


def body(model: str, text: str, *, stream: bool = False) -> dict[str, Any]:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": text}]}


def sse_data(lines: list[str]) -> list[Any]:
    """The JSON payloads of `data:` lines ([DONE] kept as the string)."""
    out: list[Any] = []
    for line in lines:
        if line.startswith("data:"):
            payload = line[5:].strip()
            out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


def streamed_text(payloads: list[Any]) -> str:
    return "".join(
        p["choices"][0]["delta"].get("content") or ""
        for p in payloads
        if isinstance(p, dict) and p.get("choices")
    )

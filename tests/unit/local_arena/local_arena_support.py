"""Helpers shared by the local arena tests: sign-up, request bodies, stream parsing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from modules.local_arena.catalog import MODELS
from modules.local_arena.sessions import uuid7
from modules.upstream import protocol

MODEL_IDS = {m["publicName"]: m["id"] for m in MODELS}
TEXT_HEADERS = {"Content-Type": protocol.REQUEST_CONTENT_TYPE}


@asynccontextmanager
async def signed_up(arena_url: str, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client that has signed up, so it holds the session cookies."""
    options.setdefault("timeout", 5)
    async with httpx.AsyncClient(base_url=arena_url, **options) as client:
        response = await client.post(protocol.ANONYMOUS_SIGNUP_PATH)
        assert response.status_code == 200, response.text
        yield client


def user_id(client: httpx.AsyncClient) -> str:
    """The user id the arena gave this client."""
    return client.cookies[protocol.PROVISIONAL_USER_COOKIE]


def make_body(
    model: str = "local-echo-1",
    text: str = "hello arena",
    session_id: str | None = None,
    modality: str = protocol.MODALITY_CHAT,
    history: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid create/post-to-evaluation body, like the page builds."""
    session_id = session_id or uuid7()
    user_msg_id, reply_id = uuid7(), uuid7()
    common = {"experimental_attachments": [], "evaluationSessionId": session_id}
    user = {"id": user_msg_id, "role": "user", "content": text, "status": "pending", **common}
    placeholder = {
        "id": reply_id,
        "role": "assistant",
        "content": "",
        "status": "pending",
        "participantPosition": "a",
        "modelId": MODEL_IDS[model],
        "parentMessageIds": [user_msg_id],
        **common,
    }
    return {
        "id": session_id,
        "mode": protocol.MODE_DIRECT,
        "modelAId": MODEL_IDS[model],
        "userMessageId": user_msg_id,
        "modelAMessageId": reply_id,
        "modelBMessageId": uuid7(),
        "messages": [*(history or []), user, placeholder],
        "modality": modality,
        **extra,
    }


async def create(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    """POST create-evaluation the way the page does (JSON as text/plain)."""
    return await client.post(
        protocol.CREATE_EVALUATION_PATH, content=json.dumps(body), headers=TEXT_HEADERS
    )


async def post_to(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    """POST post-to-evaluation for the body's session."""
    path = protocol.POST_TO_EVALUATION_PATH.format(session_id=body["id"])
    return await client.post(path, content=json.dumps(body), headers=TEXT_HEADERS)


def parse_lines(text: str) -> list[tuple[str, Any]]:
    """Stream text → [(prefix, decoded json)], asserting every line is well formed."""
    assert text.endswith("\n"), text
    out = []
    for raw in text.splitlines():
        prefix, sep, data = raw.partition(":")
        assert sep and len(prefix) == 2 and prefix[0] in protocol.PARTICIPANTS, raw
        out.append((prefix, json.loads(data)))
    return out


def joined(lines: list[tuple[str, Any]], prefix: str) -> str:
    """Concatenate the string payloads of one line kind."""
    return "".join(data for p, data in lines if p == prefix)

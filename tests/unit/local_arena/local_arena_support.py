"""Helpers shared by the local arena tests: sign-up, request bodies, stream parsing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from modules.local_arena import ArenaSettings, Knobs, LocalArena
from modules.local_arena.catalog import MODELS
from modules.local_arena.page_html import SITE_KEY
from modules.local_arena.sessions import uuid7
from modules.upstream import protocol

FAST = ArenaSettings(knobs=Knobs(tokens_per_s=2000, ttft_ms=0))
MODEL_IDS = {m["publicName"]: m["id"] for m in MODELS}
TEXT_HEADERS = {"Content-Type": protocol.REQUEST_CONTENT_TYPE}
CHAT = protocol.RECAPTCHA_ACTION_CHAT


def legacy_body(
    model: str | None = "local-echo-1",
    text: str = "hello arena",
    session_id: str | None = None,
    modality: str = protocol.MODALITY_CHAT,
    history: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid 2025 create/post-to-evaluation body (full history in messages[])."""
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
        "modelId": MODEL_IDS[model] if model else None,
        "parentMessageIds": [user_msg_id],
        **common,
    }
    body = {
        "id": session_id,
        "mode": protocol.MODE_DIRECT,
        "modelAId": MODEL_IDS[model] if model else None,
        "userMessageId": user_msg_id,
        "modelAMessageId": reply_id,
        "modelBMessageId": uuid7(),
        "messages": [*(history or []), user, placeholder],
        "modality": modality,
        **extra,
    }
    return {k: v for k, v in body.items() if v is not None}


def compact_body(
    model: str | None = "local-echo-1",
    text: str = "hello arena",
    session_id: str | None = None,
    modality: str = protocol.MODALITY_CHAT,
    mode: str | None = protocol.MODE_DIRECT_BATTLE,
    attachments: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A 2026 body as the page builds it (`mode=None` for a follow-up); no token yet."""
    body: dict[str, Any] = {"id": session_id or uuid7()}
    if mode is not None:
        body["mode"] = mode
    if model is not None:
        body["modelAId"] = MODEL_IDS[model]
    body.update(
        userMessageId=uuid7(),
        modelAMessageId=uuid7(),
        userMessage={
            "content": text,
            "experimental_attachments": attachments or [],
            "metadata": {},
        },
        modality=modality,
    )
    return {**body, **extra}


@dataclass
class ArenaClient:
    """A browser-like client of one arena: cookies, its reCAPTCHA tokens, its bodies."""

    http: httpx.AsyncClient
    legacy: bool

    @property
    def user_id(self) -> str:
        return self.http.cookies[protocol.PROVISIONAL_USER_COOKIE]

    async def token(self, action: str = CHAT) -> str:
        """What grecaptcha.enterprise.execute gives the page."""
        asked = {"sitekey": SITE_KEY, "action": action}
        response = await self.http.post(protocol.LOCAL_RECAPTCHA_TOKEN_PATH, json=asked)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    async def body(self, text: str = "hello arena", **fields: Any) -> dict[str, Any]:
        """A valid new-chat body for this arena's protocol, with a fresh token in 2026."""
        if self.legacy:
            return legacy_body(text=text, **fields)
        return await self.signed(compact_body(text=text, **fields))

    async def signed(self, body: dict[str, Any]) -> dict[str, Any]:
        """The body with a fresh chat token, as the page adds it."""
        return {**body, protocol.PAGE_TOKEN_FIELD: await self.token()}

    async def create(self, body: dict[str, Any] | None = None, **fields: Any) -> httpx.Response:
        """POST create-evaluation the way the page does (JSON as text/plain)."""
        body = body if body is not None else await self.body(**fields)
        return await self.http.post(
            protocol.CREATE_EVALUATION_PATH, content=json.dumps(body), headers=TEXT_HEADERS
        )

    async def post_to(self, body: dict[str, Any]) -> httpx.Response:
        """POST post-to-evaluation for the body's session."""
        path = protocol.POST_TO_EVALUATION_PATH.format(session_id=body["id"])
        return await self.http.post(path, content=json.dumps(body), headers=TEXT_HEADERS)

    async def follow_up(self, session_id: str, text: str, **fields: Any) -> httpx.Response:
        """A further turn of a 2026 chat, with a fresh token."""
        body = compact_body(text=text, session_id=session_id, mode=None, **fields)
        return await self.post_to(await self.signed(body))


async def visit(http: httpx.AsyncClient) -> None:
    """Load the chat page, which gives the browser its reCAPTCHA visitor cookie."""
    response = await http.get(protocol.CHAT_PAGE_PATH)
    assert response.status_code == 200, response.text


@asynccontextmanager
async def signed_up(arena: LocalArena, **options: Any) -> AsyncIterator[ArenaClient]:
    """A client that loaded the page and signed up, so it holds the session cookies."""
    options.setdefault("timeout", 5)
    async with httpx.AsyncClient(base_url=arena.url, **options) as http:
        client = ArenaClient(http, arena.knobs.legacy_protocol)
        await visit(http)
        token = await client.token(protocol.RECAPTCHA_ACTION_SIGN_UP)
        body = json.dumps({protocol.PAGE_TOKEN_FIELD: token})
        response = await http.post(protocol.ANONYMOUS_SIGNUP_PATH, content=body)
        assert response.status_code == 200, response.text
        yield client


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


def reply_of(response: httpx.Response, prefix: str = "a0") -> str:
    """The joined text of a successful stream response."""
    assert response.status_code == 200, response.text
    return joined(parse_lines(response.text), prefix)

"""The battle chat pages: side-by-side preselects both models, a blind battle shows none."""

from __future__ import annotations

import httpx

from modules.local_arena import LocalArena
from modules.local_arena.catalog import MODELS
from modules.upstream import protocol

from .local_arena_support import FAST

IDS = {m["publicName"]: m["id"] for m in MODELS}


async def _page(path: str, **query: str) -> str:
    async with LocalArena(FAST) as arena, httpx.AsyncClient(base_url=arena.url) as anon:
        response = await anon.get(path, params=query)
    assert response.status_code == 200
    return response.text


async def test_side_by_side_page_preselects_both_models() -> None:
    query = {protocol.CHAT_MODEL_PARAM: "local-poet", protocol.CHAT_MODEL_B_PARAM: "local-coder"}
    page = await _page(protocol.SIDE_BY_SIDE_PAGE_PATH, **query)
    assert f'<option value="{IDS["local-poet"]}" selected>local-poet</option>' in page
    assert f'<option value="{IDS["local-coder"]}" selected>local-coder</option>' in page
    assert 'id="model-b-select"' in page and '"pageMode": "side-by-side"' in page
    assert "/text/side-by-side?model_a=local-poet&amp;model_b=local-coder" in page  # new chat


async def test_blind_battle_page_has_no_model_picker() -> None:
    page = await _page(protocol.BATTLE_PAGE_PATH)
    assert "<select" not in page and '"pageMode": "battle"' in page
    assert "<textarea" in page and f'href="{protocol.BATTLE_PAGE_PATH}"' in page


async def test_direct_page_starts_direct_battle_chats() -> None:
    page = await _page(protocol.CHAT_PAGE_PATH)
    assert '"pageMode": "direct-battle"' in page and 'id="model-b-select"' not in page

"""Fixtures of the local arena tests: a fast arena (2026 protocol) and a signed-up client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from modules.local_arena import LocalArena

from .local_arena_support import FAST, ArenaClient, signed_up


@pytest.fixture
async def arena() -> AsyncIterator[LocalArena]:
    async with LocalArena(FAST) as running:
        yield running


@pytest.fixture
async def client(arena: LocalArena) -> AsyncIterator[ArenaClient]:
    async with signed_up(arena) as signed:
        yield signed

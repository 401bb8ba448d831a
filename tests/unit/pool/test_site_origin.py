"""The real site's address by default, and the origin a page landed on after redirects."""

from __future__ import annotations

from modules.config import parse_config
from modules.pool.launcher import origin_of


def test_the_default_site_is_arena_ai() -> None:
    assert parse_config({}).arena.url == "https://arena.ai"


def test_the_origin_is_where_the_page_landed_not_where_it_started() -> None:
    landed = "https://arena.ai/text/direct?model_a=gpt#top"
    assert origin_of(landed) == "https://arena.ai"
    assert origin_of("http://127.0.0.1:8100/") == "http://127.0.0.1:8100"
    adapter = parse_config({"arena": {"url": "https://lmarena.ai"}}).arena.ui.adapter()
    chat = adapter.chat_url(origin_of(landed), "gpt x")
    assert chat == "https://arena.ai/text/direct?model_a=gpt+x"

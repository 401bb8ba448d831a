"""Finding `initialModels` in page HTML, however it is escaped, and the model cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modules.upstream import protocol
from modules.upstream.models import ArenaModel, load_models, parse_initial_models, save_models

MODELS = [
    {
        "id": "0199a1b2-0000-7000-8000-000000000001",
        "publicName": "gpt-[fake]-5",
        "organization": "openai",
        "provider": "openai",
        "capabilities": {
            "inputCapabilities": {"text": True, "image": {"multipleImages": True}},
            "outputCapabilities": {"text": True},
        },
    },
    {
        "id": "0199a1b2-0000-7000-8000-000000000002",
        "publicName": 'painter "]} v2',
        "organization": "acme",
        "provider": "acme",
        "capabilities": {
            "inputCapabilities": {"text": True},
            "outputCapabilities": {"image": True},
        },
    },
    {
        "id": "0199a1b2-0000-7000-8000-000000000003",
        "publicName": "searcher\\pro \u00e9 \U0001f50e",
        "organization": "",
        "provider": "x",
        "capabilities": {
            "inputCapabilities": {"text": True},
            "outputCapabilities": {"text": True, "search": True},
        },
    },
    {"id": "0199a1b2-0000-7000-8000-000000000004", "publicName": "stealthy"},
    {"publicName": "no id"},
    {"id": "no-name"},
    "not an object",
]
EXPECTED_NAMES = ["gpt-[fake]-5", 'painter "]} v2', "searcher\\pro é 🔎", "stealthy"]


def _plain_html() -> str:
    data = json.dumps({"initialModels": MODELS, "other": ["]", "[["]})
    return f"<html><script id='__NEXT_DATA__'>{data}</script><p>[not this]</p></html>"


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _flight(payload: str) -> str:
    return f"<script>self.__next_f.push([1,{json.dumps(payload)}])</script>"


def _escaped_once_html() -> str:
    props = _compact(["$", "Home", None, {"initialModels": MODELS, "x": "a]b"}])
    return "<html><body>" + _flight("5:" + props + "\n") + _flight("6:[]") + "</body></html>"


def _escaped_twice_html() -> str:
    inner = _compact({"initialModels": MODELS})
    outer = _compact({"html": inner, "tail": "[]"})
    return "<html>" + _flight("7:" + outer + "\n") + "</html>"


@pytest.mark.parametrize("html_maker", [_plain_html, _escaped_once_html, _escaped_twice_html])
def test_finds_models_at_every_escape_level(html_maker: object) -> None:
    html = html_maker()  # type: ignore[operator]
    models = parse_initial_models(html)
    assert [m.public_name for m in models] == EXPECTED_NAMES
    assert models[0].id == MODELS[0]["id"]
    assert models[0].input_capabilities == {"text": True, "image": {"multipleImages": True}}


def test_escaping_levels_are_really_different() -> None:
    assert '"initialModels": [' in _plain_html()  # whitespace is allowed too
    assert '\\"initialModels\\":[' in _escaped_once_html()
    assert '\\\\\\"initialModels\\\\\\":[' in _escaped_twice_html()


def test_modality_stealth_and_images() -> None:
    chat, image, search, bare = parse_initial_models(_escaped_once_html())
    assert chat.modality == protocol.MODALITY_CHAT
    assert image.modality == protocol.MODALITY_IMAGE
    assert search.modality == protocol.MODALITY_SEARCH
    assert bare.modality == protocol.MODALITY_CHAT
    assert [m.is_stealth for m in (chat, image, search, bare)] == [False, False, True, True]
    assert chat.accepts_images and chat.accepts_multiple_images
    assert not image.accepts_images and not bare.accepts_images


def test_no_models_in_page() -> None:
    assert parse_initial_models("<html>Just a moment...</html>") == []
    assert parse_initial_models('{"initialModels": [ {"id": "a", "publicName": ') == []


def test_skips_a_broken_occurrence_and_uses_the_next() -> None:
    html = '<p>"initialModels":[ broken</p>' + _plain_html()
    assert len(parse_initial_models(html)) == 4


def test_models_are_hashable_values() -> None:
    model = ArenaModel("id", "name", input_capabilities={"image": True})
    assert hash(model) == hash(ArenaModel("id", "name"))
    assert model != ArenaModel("id", "name")


def test_cache_round_trip(tmp_path: Path) -> None:
    models = parse_initial_models(_plain_html())
    path = tmp_path / "models.json"
    save_models(path, models)
    assert load_models(path) == models
    assert not (tmp_path / "models.json.tmp").exists()


def test_large_array_escaped_twice() -> None:
    many = [
        {"id": f"id-{i}", "publicName": f"model-{i} [{'x' * 200}]", "organization": "o"}
        for i in range(2_000)
    ]
    inner = _compact({"initialModels": many})
    html = _flight("7:" + _compact({"html": inner}) + "\n")
    assert len(html) > 4 * (1 << 16)
    models = parse_initial_models(html)
    assert len(models) == 2_000
    assert models[-1].public_name.startswith("model-1999 [")

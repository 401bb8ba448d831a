"""Battle modes in the model id: `battle`, `side-by-side:<a>,<b>`; mistakes are 400 on `model`."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.matchup_id import (
    MatchupAsk,
    check_matchup_request,
    parse_model_id,
    well_formed_matchup,
    with_arena_field,
)
from modules.openai_api.schema import validate_request


@pytest.mark.parametrize(
    ("model", "ask"),
    [
        ("local-echo", None),
        ("battles-of-the-bands", None),  # only the exact word, or the word and a colon
        ("battle", MatchupAsk("battle")),
        ("side-by-side:x,y", MatchupAsk("side-by-side", ("x", "y"))),
        ("side-by-side: x , y ", MatchupAsk("side-by-side", ("x", "y"))),
        ("side-by-side:a:b,c/d", MatchupAsk("side-by-side", ("a:b", "c/d"))),
    ],
)
def test_model_ids(model: str, ask: MatchupAsk | None) -> None:
    assert parse_model_id(model) == ask


@pytest.mark.parametrize(
    ("model", "says"),
    [
        ("side-by-side", "needs two models"),
        ("side-by-side:", "needs two models"),
        ("side-by-side:x", "needs two models"),
        ("side-by-side:x,", "needs two models"),
        ("side-by-side:x,y,z", "needs two models"),
        ("battle:x", "takes no models"),
        ("battle:", "takes no models"),
    ],
)
def test_malformed_battle_ids_are_400_on_model(model: str, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_model_id(model)
    assert caught.value.param == "model" and says in caught.value.message
    assert "side-by-side:<model_a>,<model_b>" in caught.value.message
    assert well_formed_matchup(model) is None


def _request(model: str, **extra: Any) -> Any:
    return validate_request(
        {"model": model, "messages": [{"role": "user", "content": "x"}], **extra}
    )


def test_battles_are_chat_completions_without_tools_or_formats() -> None:
    check_matchup_request(_request("battle"), "chat")
    check_matchup_request(_request("local-echo", tools=[{"type": "function"}]), "responses")
    check_matchup_request(_request("battle", response_format={"type": "text"}), "chat")
    bad = [
        (_request("battle"), "responses", "model"),
        (_request("side-by-side:x"), "messages", "model"),
        (_request("battle", tools=[{"type": "function"}]), "chat", "tools"),
        (_request("battle", response_format={"type": "json_object"}), "chat", "response_format"),
    ]
    for request, endpoint, param in bad:
        with pytest.raises(BadRequest) as caught:
            check_matchup_request(request, endpoint)
        assert caught.value.param == param


def test_the_arena_field_becomes_the_model_id() -> None:
    side = _request("x", arena={"mode": "side-by-side", "model_b": "y"})
    assert with_arena_field(side).model == "side-by-side:x,y"
    assert with_arena_field(side).arena is None
    assert with_arena_field(_request("anything", arena={"mode": "battle"})).model == "battle"
    assert with_arena_field(_request("x", arena={"mode": "direct"})).model == "x"
    assert with_arena_field(_request("x")).model == "x"


@pytest.mark.parametrize(
    ("model", "arena"),
    [
        ("x", {"mode": "side-by-side"}),
        ("x", {"mode": "battle", "model_b": "y"}),
        ("x", {"mode": "direct", "model_b": "y"}),
        ("battle", {"mode": "battle"}),
        ("side-by-side:x,y", {"mode": "side-by-side", "model_b": "z"}),
    ],
)
def test_arena_field_mistakes_are_400_on_arena(model: str, arena: dict[str, Any]) -> None:
    with pytest.raises(BadRequest) as caught:
        with_arena_field(_request(model, arena=arena))
    assert caught.value.param == "arena"


def test_arena_field_shape_is_checked_like_any_field() -> None:
    for arena in ({"mode": "royale"}, {"mode": "battle", "extra": 1}, "battle"):
        with pytest.raises(BadRequest) as caught:
            _request("x", arena=arena)
        assert str(caught.value.param).startswith("arena")

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

"""Model ids of battle modes resolve against the catalog; unknown or mismatched models are 400."""

from __future__ import annotations

import pytest

from modules.errors import BadRequest, ModelNotFound
from modules.local_arena.catalog import MODELS
from modules.local_arena.page_html import flight_literal
from modules.service.model_catalog import ModelCatalog
from modules.upstream import protocol
from modules.upstream.matchup import BLIND


def _catalog() -> ModelCatalog:
    catalog = ModelCatalog(None, list_stealth=False)
    catalog.update_from_html(f"<script>self.__next_f.push([1,{flight_literal(MODELS)}])</script>")
    return catalog


async def test_plain_battle_and_side_by_side_ids() -> None:
    catalog = _catalog()
    model, matchup = await catalog.resolve_request("local-poet", 0)
    assert model.public_name == "local-poet" and matchup is None
    model, matchup = await catalog.resolve_request("battle", 0)
    assert model is BLIND and matchup is not None and matchup.blind
    model, matchup = await catalog.resolve_request("side-by-side:local-poet,local-coder", 0)
    assert matchup is not None and matchup.mode == protocol.MODE_SIDE_BY_SIDE
    assert (model.public_name, matchup.model_b and matchup.model_b.public_name) == (
        "local-poet",
        "local-coder",
    )


@pytest.mark.parametrize(
    ("model", "says"),
    [
        ("side-by-side:local-poet,nope", "'nope' named in the model id does not exist"),
        ("side-by-side:local-stealth,local-poet", "'local-stealth'"),  # not listed
        ("side-by-side:local-poet,local-painter", "two models of one kind"),
    ],
)
async def test_bad_side_by_side_models_are_400_on_model(model: str, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await _catalog().resolve_request(model, 0)
    assert caught.value.param == "model" and says in caught.value.message


async def test_an_unknown_plain_model_is_still_404() -> None:
    with pytest.raises(ModelNotFound):
        await _catalog().resolve_request("nope", 0)

"""Battle modes: one prompt answered by two models, `a` and `b` (SPEC §4 modes)."""

from __future__ import annotations

from dataclasses import dataclass

from modules.upstream import protocol
from modules.upstream.models import ArenaModel

# Stands in for participant `a` of a blind battle: the site assigns both models, so the
# request names none (`modelAId` is null) and the page is the battle page with no model.
BLIND = ArenaModel(
    id="",
    public_name=protocol.MODE_BATTLE,
    organization="lmarena",
    input_capabilities={"text": True},
    output_capabilities={"text": True},
)


@dataclass(frozen=True, slots=True)
class Matchup:
    """How a battle is set up: `side-by-side` names model b (a is the request's model);
    `battle` names neither (a is BLIND)."""

    mode: str
    model_b: ArenaModel | None = None

    @property
    def blind(self) -> bool:
        """True when the site picks both models (they are known once it reveals them)."""
        return self.mode == protocol.MODE_BATTLE


def blind_battle() -> tuple[ArenaModel, Matchup]:
    """Model a and the matchup of a blind battle."""
    return BLIND, Matchup(protocol.MODE_BATTLE)


def side_by_side(model_a: ArenaModel, model_b: ArenaModel) -> tuple[ArenaModel, Matchup]:
    """Model a and the matchup of a side-by-side battle of two named models."""
    return model_a, Matchup(protocol.MODE_SIDE_BY_SIDE, model_b)

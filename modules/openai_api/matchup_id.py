"""Battle modes asked for through the OpenAI `model` id; pure.

`battle` is a blind battle (the site picks both models and reveals them at the end);
`side-by-side:<model_a>,<model_b>` names both. Anything else is a plain model id. The
request's `arena` extension field (`{"mode", "model_b"}`) is folded into such an id.
"""

from __future__ import annotations

from dataclasses import dataclass

from modules.errors import BadRequest
from modules.openai_api.schema import ChatCompletionRequest
from modules.upstream import protocol

BATTLE_ID = protocol.MODE_BATTLE
SIDE_BY_SIDE_PREFIX = protocol.MODE_SIDE_BY_SIDE + ":"
SIDE_BY_SIDE_FORM = SIDE_BY_SIDE_PREFIX + "<model_a>,<model_b>"
CHAT_ENDPOINT = "chat"  # the only surface with a field for participant b


@dataclass(frozen=True, slots=True)
class MatchupAsk:
    """What the model id asks for: the mode and, for side-by-side, the two public names."""

    mode: str
    names: tuple[str, ...] = ()


def looks_like_matchup(model: str) -> bool:
    """True for ids in the battle grammar, well formed or not."""
    return model.split(":", 1)[0] in (BATTLE_ID, protocol.MODE_SIDE_BY_SIDE)


def parse_model_id(model: str) -> MatchupAsk | None:
    """The battle mode `model` asks for; None for a plain model id; 400 for a bad battle id."""
    if not looks_like_matchup(model):
        return None
    if model == BATTLE_ID:
        return MatchupAsk(protocol.MODE_BATTLE)
    if model.startswith(BATTLE_ID):
        raise BadRequest(
            f"Invalid model id '{_shown(model)}': 'battle' takes no models (the site picks "
            f"both); to name them use '{SIDE_BY_SIDE_FORM}'.",
            param="model",
        )
    names = tuple(n.strip() for n in model.removeprefix(SIDE_BY_SIDE_PREFIX).split(","))
    if not model.startswith(SIDE_BY_SIDE_PREFIX) or len(names) != 2 or not all(names):
        raise BadRequest(
            f"Invalid model id '{_shown(model)}': side-by-side needs two models, "
            f"'{SIDE_BY_SIDE_FORM}'.",
            param="model",
        )
    return MatchupAsk(protocol.MODE_SIDE_BY_SIDE, names)


def well_formed_matchup(model: str) -> MatchupAsk | None:
    """What `model` asks for when it is a well-formed battle id, else None (never raises)."""
    try:
        return parse_model_id(model)
    except BadRequest:
        return None


def check_matchup_request(req: ChatCompletionRequest, endpoint: str) -> None:
    """400 for what a battle cannot do: other API surfaces, tools, a response format."""
    if not looks_like_matchup(req.model):
        return
    if endpoint != CHAT_ENDPOINT:
        raise BadRequest(
            f"Battle modes ('{BATTLE_ID}', '{SIDE_BY_SIDE_FORM}') are served on "
            "/v1/chat/completions only: other APIs have no field for the second answer.",
            param="model",
        )
    if req.tools:
        raise BadRequest("tools are not supported in battle modes.", param="tools")
    if req.response_format and req.response_format.get("type") != "text":
        raise BadRequest(
            "response_format is not supported in battle modes.", param="response_format"
        )


def with_arena_field(req: ChatCompletionRequest) -> ChatCompletionRequest:
    """The request with its `arena` field folded into the model id (`model` is model a):
    `{"mode": "side-by-side", "model_b": b}` or `{"mode": "battle"}`; 400 on `arena`."""
    arena = req.arena
    if arena is None or arena.mode == protocol.MODE_DIRECT:
        if arena is not None and arena.model_b is not None:
            raise BadRequest("arena.model_b needs arena.mode 'side-by-side'.", param="arena")
        return req
    if looks_like_matchup(req.model):
        raise BadRequest(
            "Ask for a battle mode once: by the model id or by the arena field.", param="arena"
        )
    if arena.mode == protocol.MODE_BATTLE:
        if arena.model_b is not None:
            raise BadRequest(
                "A blind battle takes no arena.model_b: the site picks both models.",
                param="arena",
            )
        return req.model_copy(update={"model": BATTLE_ID, "arena": None})
    if arena.model_b is None:
        raise BadRequest("Side-by-side needs arena.model_b (model is a).", param="arena")
    model = f"{SIDE_BY_SIDE_PREFIX}{req.model},{arena.model_b}"
    parse_model_id(model)  # the same rules as the id: two names, no commas in them
    return req.model_copy(update={"model": model, "arena": None})


def _shown(model: str) -> str:
    return model if len(model) <= 100 else model[:100] + "…"

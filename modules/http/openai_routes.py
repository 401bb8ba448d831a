"""The OpenAI surface: chat completions, responses, legacy completions, Anthropic messages,
and the model list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..openai_api.matchup_id import BATTLE_ID, SIDE_BY_SIDE_FORM, parse_model_id
from ..service.model_catalog import unknown_model
from ..upstream.models import ArenaModel
from .chat import chat_completions
from .completions_routes import create_completion, create_message
from .deps import CoordinatorDep, refuse_while_paused, require_api_key
from .responses_routes import create_response

# The key is checked first: a client without one learns nothing, not even of a pause.
router = APIRouter(
    prefix="/v1", dependencies=[Depends(require_api_key), Depends(refuse_while_paused)]
)
router.add_api_route("/chat/completions", chat_completions, methods=["POST"])
router.add_api_route("/responses", create_response, methods=["POST"])
router.add_api_route("/completions", create_completion, methods=["POST"])
router.add_api_route("/messages", create_message, methods=["POST"])


def _model_object(model: ArenaModel, created: int) -> dict[str, Any]:
    return {
        "id": model.public_name,
        "object": "model",
        "created": created,
        "owned_by": model.organization or model.provider or "lmarena",
        "modality": model.modality,
        "upstream_id": model.id,
    }


def _battle_object(model_id: str, created: int, mode: str, models: list[str]) -> dict[str, Any]:
    """A battle mode as a model: `battle` is listed; `side-by-side:<a>,<b>` says how to ask."""
    arena = {"mode": mode, "models": models, "side_by_side": SIDE_BY_SIDE_FORM}
    return {"id": model_id, "object": "model", "created": created, "owned_by": "lmarena",
            "modality": "chat", "arena": arena}  # fmt: skip


@router.get("/models")
async def list_models(coord: CoordinatorDep) -> dict[str, Any]:
    created = int(coord.started_at)
    data = [_model_object(m, created) for m in coord.models()]
    data.append(_battle_object(BATTLE_ID, created, BATTLE_ID, []))
    return {"object": "list", "data": data}


@router.get("/models/{model_id:path}")
async def get_model(model_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    created = int(coord.started_at)
    known = {m.public_name: m for m in coord.models()}
    if model_id in known:
        return _model_object(known[model_id], created)
    ask = parse_model_id(model_id)
    if ask is None or not all(name in known for name in ask.names):
        raise unknown_model(model_id)
    return _battle_object(model_id, created, ask.mode, list(ask.names))

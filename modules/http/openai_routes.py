"""The OpenAI surface: chat completions, responses, legacy completions, Anthropic messages,
and the model list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..service.model_catalog import unknown_model
from ..upstream.models import ArenaModel
from .chat import chat_completions
from .completions_routes import create_completion, create_message
from .deps import CoordinatorDep, require_api_key
from .responses_routes import create_response

router = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)])
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


@router.get("/models")
async def list_models(coord: CoordinatorDep) -> dict[str, Any]:
    created = int(coord.started_at)
    return {"object": "list", "data": [_model_object(m, created) for m in coord.models()]}


@router.get("/models/{model_id:path}")
async def get_model(model_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    for model in coord.models():
        if model.public_name == model_id:
            return _model_object(model, int(coord.started_at))
    raise unknown_model(model_id)

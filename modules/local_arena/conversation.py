"""Which evaluation a send belongs to, in which mode, and which models answer it."""

from __future__ import annotations

import hashlib
from typing import Any

from ..upstream import protocol
from . import catalog
from .evaluations import Evaluation, Turn
from .refusals import no_access
from .sessions import SessionRegistry, User
from .validation import EvaluationRequest, InvalidBody

_MODALITY_FOR_OUTPUT = {
    "text": protocol.MODALITY_CHAT,
    "image": protocol.MODALITY_IMAGE,
    "search": protocol.MODALITY_SEARCH,
}

Models = tuple[dict[str, Any], ...]


def battle_pair(models: Models, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two public text models a blind battle gets; fixed per session id."""
    pool = [m for m in models if m["organization"] and catalog.output_kind(m) == "text"]
    digest = int(hashlib.sha256(session_id.encode()).hexdigest(), 16)
    first = digest % len(pool)
    second = (first + 1 + (digest // len(pool)) % (len(pool) - 1)) % len(pool)
    return pool[first], pool[second]


def _new_models(req: EvaluationRequest, models: Models) -> tuple[str, list[dict[str, Any]]]:
    mode = req.mode
    assert mode is not None  # both body parsers insist on a mode for a new chat
    if mode == protocol.MODE_BATTLE:
        return mode, list(battle_pair(models, req.session_id))
    if mode == protocol.MODE_SIDE_BY_SIDE:
        if req.model_a is None or req.model_b is None:
            raise InvalidBody(f"side-by-side needs modelAId and {protocol.MODEL_B_ID_FIELD}")
        return mode, [req.model_a, req.model_b]
    assert req.model_a is not None  # both body parsers insist on modelAId here
    return mode, [req.model_a]


def stored_models(known: Evaluation, models: Models) -> list[dict[str, Any]]:
    """The models an evaluation was answered by last (a, then b in battles)."""
    found = [catalog.find_model(models, i) for i in (known.model_a, known.model_b) if i]
    return [model for model in found if model is not None]  # stored after validation


def _known_models(
    req: EvaluationRequest, known: Evaluation, models: Models
) -> list[dict[str, Any]]:
    if known.mode in protocol.BATTLE_MODES or req.model_a is None:
        return stored_models(known, models)
    return [req.model_a]  # a direct chat may switch models between turns


def _check_fit(req: EvaluationRequest, answering: list[dict[str, Any]]) -> None:
    """The modality must match every model's output; images only for image-input models."""
    for model in answering:
        wanted = _MODALITY_FOR_OUTPUT[catalog.output_kind(model)]
        if req.body.get("modality") != wanted:
            raise InvalidBody(f"modality must be {wanted!r} for model {model['publicName']}")
        if req.attachments and not catalog.accepts_images(model):
            raise InvalidBody(f"model {model['publicName']} does not accept image input")


def prepare_turn(
    req: EvaluationRequest, user: User, registry: SessionRegistry, models: Models, follow_up: bool
) -> tuple[Evaluation, list[dict[str, Any]]]:
    """The request's evaluation (new or owned) and answering models; raises Refused/InvalidBody.

    Nothing is stored yet: `commit_turn` does that once every check has passed.
    """
    known = registry.evaluations.get(req.session_id)
    if (known is not None and known.owner != user.id) or (follow_up and known is None):
        raise no_access(user.id, req.session_id)
    if follow_up:
        assert known is not None
        evaluation, answering = known, _known_models(req, known, models)
    else:
        mode, answering = _new_models(req, models)
        model_b = answering[1]["id"] if len(answering) > 1 else None
        evaluation = Evaluation(req.session_id, user.id, mode, answering[0]["id"], model_b)
    _check_fit(req, answering)
    return evaluation, answering


def commit_turn(
    registry: SessionRegistry,
    evaluation: Evaluation,
    req: EvaluationRequest,
    answering: list[dict[str, Any]],
) -> None:
    """Store the evaluation with this turn added (a new chat replaces one of the same id)."""
    evaluation.model_a = answering[0]["id"]
    evaluation.turns.append(Turn(req.text, len(req.attachments)))
    registry.evaluations[evaluation.id] = evaluation

"""The three stream endpoints: entry checks, token, body, history, then the paced stream."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request, Response

from ..upstream import protocol
from .body_compact import parse_compact
from .body_legacy import conversation_text, parse_legacy
from .conversation import commit_turn, prepare_turn, stored_models
from .evaluations import Evaluation
from .gate import admit
from .plan import participant, stream_plan
from .recaptcha import verify
from .refusals import Refused, no_access, recaptcha_failed, refuse
from .replies import ReplyInput
from .sessions import User
from .state import ArenaState, arena_state
from .stream_body import ArenaStream
from .validation import InvalidBody, parse_json

router = APIRouter()

_FORBIDDEN = re.compile(r"\bFORBIDDEN\b")

Handler = Callable[[Request, ArenaState, User], Awaitable[Response]]


async def _send(request: Request, session_hint: str, handler: Handler) -> Response:
    """Run one send attempt: entry checks, then `handler`; log it and add quota headers."""
    state = arena_state(request)
    user = state.sessions.user_for(request.cookies)
    try:
        user = admit(request, state, user, session_hint)
        response, outcome = await handler(request, state, user), "accepted"
    except Refused as refused:
        response, outcome = refused.response, refused.outcome
    if user is not None:
        state.log_attempt(user, request.url.path, response.status_code, outcome)
        response.headers.update(user.quota.headers(state.knobs.quota, state.clock()))
    return response


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        return parse_json(raw) if raw.strip() else {}
    except InvalidBody as exc:
        raise refuse(exc.status, str(exc), "invalid") from exc


def _check_token(request: Request, state: ArenaState, user: User, body: dict[str, Any]) -> None:
    """2026: a fresh reCAPTCHA token of this browser and user; 2025: the old page-token knob."""
    token = body.get(protocol.PAGE_TOKEN_FIELD)
    if not state.knobs.legacy_protocol:
        verify(request, state, token, protocol.RECAPTCHA_ACTION_CHAT, user.id)
    elif state.knobs.require_page_token and not (isinstance(token, str) and token):
        raise recaptcha_failed()


def _check_content(text: str) -> None:
    if _FORBIDDEN.search(text):
        raise refuse(422, protocol.ERROR_CONTENT_REJECTED, "rejected")


def _stream(
    request: Request,
    state: ArenaState,
    user: User,
    evaluation: Evaluation,
    answering: list[dict[str, Any]],
    conversation: str,
) -> ArenaStream:
    """Stream every answering model's reply to the evaluation's latest turn (and keep a's)."""
    turn = evaluation.turns[-1]
    earlier = evaluation.earlier_texts()
    battle = evaluation.mode in protocol.BATTLE_MODES
    parts = [
        participant(
            letter,
            model,
            ReplyInput(model["publicName"], turn.text, earlier, turn.attachments, conversation),
            str(request.base_url),
            reveal=battle,
        )
        for letter, model in zip(protocol.PARTICIPANTS, answering, strict=False)
    ]
    evaluation.turns[-1] = replace(turn, reply="".join(parts[0].text))
    state.active_streams += 1

    def closed() -> None:
        state.active_streams -= 1

    names = [model["publicName"] for model in answering]
    return ArenaStream(stream_plan(state.knobs, user, parts, names), state.closing, closed)


def _evaluate(path_session_id: str | None) -> Handler:
    """The handler shared by create-evaluation (no session id) and post-to-evaluation."""

    async def handle(request: Request, state: ArenaState, user: User) -> Response:
        body = await _body(request)
        _check_token(request, state, user, body)
        parse = parse_legacy if state.knobs.legacy_protocol else parse_compact
        models = state.settings.models
        try:
            req = parse(body, models, path_session_id)
            follow_up = path_session_id is not None
            evaluation, answering = prepare_turn(req, user, state.sessions, models, follow_up)
        except InvalidBody as exc:
            raise refuse(exc.status, str(exc), "invalid") from exc
        _check_content(req.text)
        commit_turn(state.sessions, evaluation, req, answering)
        state.record(request.method, request.url.path, user.id, body)
        legacy = state.knobs.legacy_protocol  # 2025: the body carries the conversation
        conversation = conversation_text(body) if legacy else evaluation.conversation()
        return _stream(request, state, user, evaluation, answering, conversation)

    return handle


@router.post(protocol.CREATE_EVALUATION_PATH)
async def create_evaluation(request: Request) -> Response:
    """Start a new evaluation session (conversation) and stream the first reply."""
    return await _send(request, "unknown", _evaluate(None))


@router.post(protocol.POST_TO_EVALUATION_PATH)
async def post_to_evaluation(request: Request, session_id: str) -> Response:
    """Add a turn to a session this user owns."""
    return await _send(request, session_id, _evaluate(session_id))


@router.put(protocol.RETRY_MESSAGE_PATH)
async def retry_message(request: Request, session_id: str, message_id: str) -> Response:
    """Regenerate the reply to the session's last user message."""

    async def handle(request: Request, state: ArenaState, user: User) -> Response:
        body = await _body(request)
        known = state.sessions.evaluations.get(session_id)
        if known is None or known.owner != user.id or not known.turns:
            raise no_access(user.id, session_id)
        _check_token(request, state, user, body)
        _check_content(known.turns[-1].text)
        answering = stored_models(known, state.settings.models)
        state.record(request.method, request.url.path, user.id, body)
        return _stream(request, state, user, known, answering, known.conversation())

    return await _send(request, session_id, handle)

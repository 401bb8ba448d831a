"""The three stream endpoints: gatekeeping, validation, faults, then the paced stream."""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from ..upstream import protocol
from . import catalog, model_replies, replies
from .knobs import default_error_body
from .page import challenge_response
from .sessions import Evaluation, User
from .state import ArenaState, arena_state
from .stream_body import ArenaStream, StreamPlan, line
from .validation import InvalidBody, parse_json, parse_request

router = APIRouter()

_FORBIDDEN = re.compile(r"\bFORBIDDEN\b")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _no_access(user: User, session_id: str) -> JSONResponse:
    return _error(401, protocol.ERROR_NO_ACCESS.format(user_id=user.id, session_id=session_id))


def _injected(state: ArenaState, user: User, session_hint: str) -> Response | None:
    """Answer from the fail_next knob if it applies to this user; counts it down."""
    fail = state.knobs.fail_next
    if fail is None or (fail.sessions is not None and user.id not in fail.sessions):
        return None
    if fail.count <= 1:
        state.knobs.fail_next = None
    else:
        fail.count -= 1
    headers = {"Retry-After": str(fail.retry_after_s)} if fail.status == 429 else None
    if isinstance(fail.body, str):
        cls = HTMLResponse if fail.body.lstrip().startswith("<") else PlainTextResponse
        return cls(fail.body, status_code=fail.status, headers=headers)
    if fail.body is not None:
        return JSONResponse(fail.body, status_code=fail.status, headers=headers)
    if fail.status == 401:
        return _no_access(user, session_hint)
    return JSONResponse(default_error_body(fail.status), status_code=fail.status, headers=headers)


def _gate(request: Request, state: ArenaState, session_hint: str) -> User | Response:
    """Checks every stream request passes before its body matters, in the site's order."""
    user = state.sessions.user_for(request.cookies)
    if state.knobs.challenges(user.id if user else None):
        return challenge_response()
    if user is None:
        return _error(401, "Unauthorized")
    state.sessions.count_request(user)
    if (injected := _injected(state, user, session_hint)) is not None:
        return injected
    limit = state.knobs.rate_limit
    if limit is not None:
        wait_s = state.sessions.rate_limited(user, limit.max_requests, limit.window_s)
        if wait_s is not None:
            retry = limit.retry_after_s
            if retry is None:  # tell the client when the window frees, at least 1 s
                retry = max(1, math.ceil(wait_s))
            return _error(429, protocol.ERROR_TOO_MANY_REQUESTS, {"Retry-After": str(retry)})
    return user


def _content_checks(state: ArenaState, page_token: str, text: str) -> Response | None:
    if state.knobs.require_page_token and not page_token:
        return _error(403, protocol.ERROR_RECAPTCHA)
    if _FORBIDDEN.search(text):
        return _error(422, protocol.ERROR_CONTENT_REJECTED)
    return None


def _plan(
    state: ArenaState, user: User, model: dict[str, Any], text: str, base: str, conversation: str
) -> StreamPlan:
    """What to stream for this model and text, at this user's speed, with active faults."""
    knobs = state.knobs
    factor = knobs.speed_factor(user.id, user.order)
    name = model["publicName"]
    extras: list[bytes] = []
    kind = catalog.output_kind(model)
    if kind == "image":
        url = f"{base}_images/{replies.image_name(text)}"
        extras.append(line(protocol.KIND_IMAGE, [{"type": "image", "image": url}]))
    elif kind == "search":
        extras.append(line(protocol.KIND_CITATION, replies.citations(text)))
    reasoning = replies.expected_reasoning(name, text) if name in catalog.REASONING_MODELS else ""
    midstream = knobs.error_midstream
    return StreamPlan(
        text=replies.tokenize(model_replies.reply_text(name, conversation, text)),
        reasoning=replies.tokenize(reasoning),
        extras=extras,
        ttft_s=knobs.ttft_ms * factor / 1000,
        interval_s=factor / knobs.tokens_per_s,
        error_after=midstream.after_tokens if midstream else None,
        error_message=midstream.message if midstream else protocol.ERROR_RESOURCE_EXHAUSTED,
        stall_after=knobs.stall_after_tokens,
        cut_after=knobs.cut_after_tokens,
    )


def _stream(
    request: Request,
    state: ArenaState,
    user: User,
    model: dict[str, Any],
    text: str,
    conversation: str = "",
) -> ArenaStream:
    state.active_streams += 1

    def closed() -> None:
        state.active_streams -= 1

    plan = _plan(state, user, model, text, str(request.base_url), conversation or text)
    return ArenaStream(plan, state.closing, closed)


async def _evaluate(request: Request, path_session_id: str | None) -> Response:
    """Shared body of create-evaluation and post-to-evaluation."""
    state = arena_state(request)
    gated = _gate(request, state, path_session_id or "unknown")
    if isinstance(gated, Response):
        return gated
    user = gated
    try:
        req = parse_request(await request.body(), state.settings.models, path_session_id)
    except InvalidBody as exc:
        return _error(exc.status, str(exc))
    known = state.sessions.evaluations.get(req.session_id)
    if path_session_id is not None and known is None:
        return _no_access(user, req.session_id)  # nothing to continue
    if known is not None and known.owner != user.id:
        return _no_access(user, req.session_id)
    if (refused := _content_checks(state, req.page_token, req.last_user_text)) is not None:
        return refused
    state.sessions.evaluations[req.session_id] = Evaluation(
        req.session_id, user.id, req.model["id"], req.last_user_text
    )
    state.record(request.method, request.url.path, user.id, req.body)
    conversation = model_replies.conversation_text(req.body, req.last_user_text)
    return _stream(request, state, user, req.model, req.last_user_text, conversation)


@router.post(protocol.CREATE_EVALUATION_PATH)
async def create_evaluation(request: Request) -> Response:
    """Start a new evaluation session (conversation) and stream the first reply."""
    return await _evaluate(request, None)


@router.post(protocol.POST_TO_EVALUATION_PATH)
async def post_to_evaluation(request: Request, session_id: str) -> Response:
    """Add a turn to a session this user owns."""
    return await _evaluate(request, session_id)


@router.put(protocol.RETRY_MESSAGE_PATH)
async def retry_message(request: Request, session_id: str, message_id: str) -> Response:
    """Regenerate the reply to the session's last user message."""
    state = arena_state(request)
    gated = _gate(request, state, session_id)
    if isinstance(gated, Response):
        return gated
    user = gated
    raw = await request.body()
    try:
        body = parse_json(raw) if raw.strip() else {}
    except InvalidBody as exc:
        return _error(exc.status, str(exc))
    known = state.sessions.evaluations.get(session_id)
    if known is None or known.owner != user.id:
        return _no_access(user, session_id)
    token = body.get(protocol.PAGE_TOKEN_FIELD)
    refused = _content_checks(state, token if isinstance(token, str) else "", known.last_user_text)
    if refused is not None:
        return refused
    model = catalog.find_model(state.settings.models, known.model_id)
    assert model is not None  # stored only after validation
    state.record(request.method, request.url.path, user.id, body)
    return _stream(request, state, user, model, known.last_user_text)

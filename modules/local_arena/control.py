"""`/_control`: read and change knobs, counters and recorded requests while running; make
and expire accounts (what a person logging in, or a login running out, does on the site)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .sessions import encode_session
from .state import arena_state

router = APIRouter()


@router.get("/_control")
async def read_control(request: Request) -> dict[str, Any]:
    """Knobs, per-session request counts, totals and active streams."""
    return arena_state(request).control_snapshot()


@router.post("/_control", response_model=None)
async def update_control(request: Request) -> JSONResponse | dict[str, Any]:
    """Merge a partial knob update (`{"reset": true}` restores the start knobs)."""
    state = arena_state(request)
    try:
        update = json.loads(await request.body() or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return JSONResponse({"error": f"knobs are not valid JSON: {exc}"}, status_code=400)
    if not isinstance(update, dict):
        return JSONResponse({"error": "knobs must be a JSON object"}, status_code=400)
    try:
        state.update_knobs(update)
    except ValueError as exc:
        return JSONResponse({"error": f"invalid knobs: {exc}"}, status_code=400)
    return state.control_snapshot()


@router.get("/_control/requests")
async def recorded_requests(
    request: Request, limit: int = Query(200, ge=0)
) -> dict[str, list[dict[str, Any]]]:
    """The most recent accepted stream request bodies, oldest first."""
    recorded = list(arena_state(request).recorded)
    return {"requests": recorded[len(recorded) - limit :] if limit else []}


@router.get("/_control/attempts")
async def attempts(
    request: Request,
    user_id: str = Query(..., description="The identity (user id) asked about."),
    since: float = Query(0.0, description="Wall-clock seconds; attempts at or after this."),
    until: float | None = Query(None, description="Wall-clock seconds; attempts before this."),
) -> JSONResponse:
    """One identity's send attempts in [since, until), so a test can prove there were none."""
    user = arena_state(request).sessions.users.get(user_id)
    if user is None:
        return JSONResponse({"error": f"unknown user: {user_id}"}, status_code=404)
    found = [a.as_dict() for a in user.standing.attempts_between(since, until)]
    return JSONResponse({"user_id": user_id, "count": len(found), "attempts": found})


@router.post("/_control/accounts")
async def new_account(request: Request) -> dict[str, Any]:
    """An account as if a person had logged in: its user id and full auth cookie value."""
    user = arena_state(request).sessions.sign_up(anonymous=False)
    return {"user_id": user.id, "cookie": encode_session(user.id, anonymous=False)}


@router.post("/_control/accounts/{user_id}/expire")
async def expire_account(request: Request, user_id: str) -> JSONResponse:
    """End a user's login: /api/me and every send answer 401 from now on."""
    if not arena_state(request).sessions.expire(user_id):
        return JSONResponse({"error": f"unknown user: {user_id}"}, status_code=404)
    return JSONResponse({"user_id": user_id, "expired": True})

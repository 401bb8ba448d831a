"""The management API under /api (see docs/API.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from ..app.coordinator import Coordinator
from ..errors import BadRequest
from ..observability.history import parse_window
from .auth import ADMIN_COOKIE
from .chat import read_json
from .ops_routes import require_admin

public = APIRouter(prefix="/api")
router = APIRouter(prefix="/api", dependencies=[Depends(require_admin)])


def _coord(request: Request) -> Coordinator:
    return request.app.state.coordinator


@public.get("/session")
async def session(request: Request) -> dict[str, bool]:
    guard = request.app.state.guard
    return {"auth_required": guard.admin_required, "authenticated": guard.admin_ok(request)}


@public.post("/login")
async def login(request: Request) -> Response:
    body = await read_json(request)
    key = body.get("key") if isinstance(body, dict) else None
    if not isinstance(key, str) or not key:
        raise BadRequest('Send {"key": "ADMIN_KEY"}.', param="key")
    token = request.app.state.guard.login(key)
    response = Response(status_code=204)
    response.set_cookie(ADMIN_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


@public.post("/logout")
async def logout(request: Request) -> Response:
    request.app.state.guard.logout(request.cookies.get(ADMIN_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response


@router.get("/status")
async def status(request: Request) -> dict[str, Any]:
    return _coord(request).status()


@router.get("/instances")
async def list_instances(request: Request) -> dict[str, Any]:
    return {"instances": _coord(request).instances()}


@router.post("/instances", status_code=202)
async def add_instance(request: Request) -> dict[str, Any]:
    return {"instance": _coord(request).add_instance()}


@router.delete("/instances/{instance_id}", status_code=202)
async def remove_instance(instance_id: str, request: Request) -> dict[str, Any]:
    return {"instance": _coord(request).remove_instance(instance_id)}


@router.post("/instances/{instance_id}/recycle", status_code=202)
async def recycle_instance(instance_id: str, request: Request) -> dict[str, Any]:
    return {"instance": _coord(request).recycle_instance(instance_id)}


@router.post("/instances/{instance_id}/open")
async def open_instance(instance_id: str, request: Request) -> dict[str, Any]:
    return await _coord(request).open_visible(instance_id)


@router.get("/settings")
async def get_settings(request: Request) -> dict[str, Any]:
    return _coord(request).settings.view()


@router.put("/settings")
async def put_settings(request: Request) -> dict[str, Any]:
    return _coord(request).settings.update(await read_json(request))


@router.get("/history")
async def history(
    request: Request,
    since: float | None = None,
    model: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    wanted: int | Literal["error"] | None = "error" if status == "error" else None
    if status not in (None, "", "error"):
        try:
            wanted = int(status)
        except ValueError:
            raise BadRequest("status must be an HTTP status or 'error'", param="status") from None
    rows = await _coord(request).obs.history.requests(
        since=since, model=model or None, status=wanted, limit=limit
    )
    return {"requests": rows}


@router.get("/stats")
async def stats(request: Request, window: str = "1h") -> dict[str, Any]:
    try:
        window_s = parse_window(window)
    except ValueError:
        raise BadRequest("window must be one of 1h, 6h, 24h, 7d", param="window") from None
    return await _coord(request).obs.history.stats(window_s)


@router.get("/alerts")
async def alerts(request: Request) -> JSONResponse:
    obs = _coord(request).obs
    return JSONResponse(
        {
            "active": obs.alerts.active(),
            "history": await obs.history.alerts(),
            "rules": obs.alerts.rules_view(),
        }
    )

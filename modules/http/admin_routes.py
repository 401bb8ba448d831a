"""The management API under /api (see docs/API.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ..app.settings_schema import settings_schema
from ..errors import BadRequest
from ..observability.history import MAX_LIMIT
from .auth import ADMIN_COOKIE, client_address
from .chat import read_json
from .deps import CoordinatorDep, GuardDep, require_admin
from .params import Status, Text, Time, Window, status_filter, window_seconds

public = APIRouter(prefix="/api")
router = APIRouter(prefix="/api", dependencies=[Depends(require_admin)])


@public.get("/session")
async def session(request: Request, guard: GuardDep) -> dict[str, bool]:
    # Asking whether one is signed in is not use: it does not keep an idle session alive.
    authenticated = guard.admin_ok(request, touch=False)
    return {"auth_required": guard.admin_required, "authenticated": authenticated}


@public.post("/login")
async def login(request: Request, guard: GuardDep) -> Response:
    body = await read_json(request)
    key = body.get("key") if isinstance(body, dict) else None
    if not isinstance(key, str) or not key:
        raise BadRequest('Send {"key": "ADMIN_KEY"}.', param="key")
    token = guard.login(key, client_address(request))
    response = Response(status_code=204)
    secure = request.url.scheme == "https"  # behind a TLS proxy: X-Forwarded-Proto
    response.set_cookie(
        ADMIN_COOKIE, token, httponly=True, samesite="strict", path="/", secure=secure
    )
    return response


@public.post("/logout")
async def logout(request: Request, guard: GuardDep) -> Response:
    guard.logout(request.cookies.get(ADMIN_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response


@router.get("/status")
async def status(coord: CoordinatorDep) -> dict[str, Any]:
    return coord.status()


@router.get("/instances")
async def list_instances(coord: CoordinatorDep) -> dict[str, Any]:
    return {"instances": coord.instances()}


@router.post("/instances", status_code=202)
async def add_instance(request: Request, coord: CoordinatorDep) -> dict[str, Any]:
    body = await read_json(request) if await request.body() else None
    return {"instance": await coord.add_instance(body)}


@router.post("/instances/{instance_id}/check")
async def check_instance(instance_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    return await coord.check_instance(instance_id)


@router.delete("/instances/{instance_id}", status_code=202)
async def remove_instance(instance_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    return {"instance": coord.remove_instance(instance_id)}


@router.post("/instances/{instance_id}/recycle", status_code=202)
async def recycle_instance(instance_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    return {"instance": coord.recycle_instance(instance_id)}


@router.post("/instances/{instance_id}/save-session")
async def save_session(instance_id: str, request: Request, coord: CoordinatorDep) -> dict[str, Any]:
    body = await read_json(request) if await request.body() else None
    return await coord.save_session(instance_id, body)


@router.post("/instances/{instance_id}/open")
async def open_instance(instance_id: str, coord: CoordinatorDep) -> dict[str, Any]:
    return await coord.open_visible(instance_id)


@router.get("/pause")
async def get_pause(coord: CoordinatorDep) -> dict[str, Any]:
    return coord.pause.view()


@router.post("/pause")
async def set_pause(request: Request, coord: CoordinatorDep) -> dict[str, Any]:
    return coord.pause.set(await read_json(request))


@router.get("/settings")
async def get_settings(coord: CoordinatorDep) -> dict[str, Any]:
    return coord.settings.view()


@router.get("/settings/schema")
async def get_settings_schema() -> dict[str, Any]:
    return settings_schema()


@router.put("/settings")
async def put_settings(request: Request, coord: CoordinatorDep) -> dict[str, Any]:
    return coord.settings.update(await read_json(request))


@router.get("/history")
async def history(
    coord: CoordinatorDep,
    since: Time = None,
    model: Text = None,
    status: Status = None,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 100,
) -> dict[str, Any]:
    rows = await coord.history(
        since=since, model=model or None, status=status_filter(status), limit=limit
    )
    return {"requests": rows}


@router.get("/stats")
async def stats(coord: CoordinatorDep, window: Window = "1h") -> dict[str, Any]:
    return await coord.stats(window_seconds(window))


@router.get("/alerts")
async def alerts(coord: CoordinatorDep) -> JSONResponse:
    return JSONResponse(await coord.alerts())

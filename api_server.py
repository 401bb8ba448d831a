"""Builds the FastAPI app: the OpenAI API, the management API, metrics and the GUI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from modules.app.coordinator import Coordinator
from modules.config import BridgeConfig
from modules.http import admin_routes, console_routes, openai_routes, ops_routes
from modules.http.access_log import AccessLog
from modules.http.auth import Guard
from modules.http.body_guard import BodyGuard
from modules.http.deps import GuardDep, require_admin
from modules.http.errors import install_error_handlers
from modules.http.origin_guard import OriginGuard
from modules.http.security_headers import SecurityHeaders
from modules.util.redact import SecretSet

GUI_DIR = Path(__file__).with_name("gui")


def create_app(
    config: BridgeConfig,
    *,
    headless: bool | None = None,
    seed: int | None = None,
    secrets: SecretSet | None = None,
) -> FastAPI:
    """A new app; its lifespan owns one Coordinator (browsers, pool, monitors, history).

    `secrets`: values to mask in log lines, shared with the process's stderr handler.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        coord = Coordinator(config, headless=headless, seed=seed, secrets=secrets)
        async with coord as coordinator:
            app.state.coordinator = coordinator
            yield
            await coordinator.shutdown()

    app = FastAPI(
        title="LMArena Bridge",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the admin rule
    )
    app.state.guard = Guard(config.auth, config.server)
    install_error_handlers(app)
    # Added innermost first: headers on every answer, then Host/Origin, then the body.
    app.add_middleware(
        BodyGuard,
        max_bytes=int(config.server.max_body_mb * 1_048_576),
        timeout_s=config.server.body_timeout_s,
    )
    app.add_middleware(OriginGuard, server=config.server)
    app.add_middleware(AccessLog, enabled=config.server.access_log)
    app.add_middleware(SecurityHeaders)
    app.include_router(openai_routes.router)
    app.include_router(admin_routes.public)
    app.include_router(admin_routes.router)
    app.include_router(console_routes.router)
    app.include_router(ops_routes.router)
    _mount_openapi(app)
    _mount_gui(app)
    return app


def _mount_openapi(app: FastAPI) -> None:
    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_admin)])
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())


def _mount_gui(app: FastAPI) -> None:
    if not GUI_DIR.is_dir():
        return

    @app.get("/", include_in_schema=False)
    async def index(request: Request, guard: GuardDep) -> Response:
        if not guard.admin_required and not guard.admin_ok(request):
            return Response("The GUI needs auth.admin_key here (loopback only without it).", 403)
        return FileResponse(GUI_DIR / "index.html")

    # The page uses relative paths (css/…, js/…); static files carry no data, so no guard.
    for sub in ("css", "js"):
        if (GUI_DIR / sub).is_dir():
            app.mount(f"/{sub}", StaticFiles(directory=GUI_DIR / sub), name=f"gui-{sub}")

"""`create_arena_app`: one local arena as a FastAPI app, its state on `app.state.arena`."""

from __future__ import annotations

from fastapi import FastAPI

from . import account, control, page, recaptcha, streams
from .state import ArenaSettings, ArenaState
from .stream_body import quiet_cuts
from .via import ViaRecorder


def create_arena_app(settings: ArenaSettings | None = None) -> FastAPI:
    """Build an arena; each call is independent, so tests can run many side by side."""
    settings = settings or ArenaSettings()
    app = FastAPI(title="LMArena (local)", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.arena = ArenaState.create(settings)
    for module in (page, account, recaptcha, streams, control):
        app.include_router(module.router)
    app.add_middleware(ViaRecorder)  # which test proxy each session's requests came through
    # Cut connections are on purpose; keep the server log free of their tracebacks.
    quiet_cuts()
    return app

"""Every error becomes one OpenAI-shaped JSON response (the mapping itself:
`openai_api/errors.py`); this module only installs it on the app."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BridgeError
from ..openai_api.errors import error_body, error_reply, http_error_type

log = logging.getLogger(__name__)


def error_response(err: BridgeError, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON response for a domain error; `headers` add to the error's own."""
    reply = error_reply(err)
    return JSONResponse(
        reply.body, status_code=reply.status, headers={**(headers or {}), **reply.headers}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, HTTP errors and surprises to OpenAI-shaped responses."""

    @app.exception_handler(BridgeError)
    async def _bridge(_req: Request, err: BridgeError) -> JSONResponse:
        return error_response(err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, err: StarletteHTTPException) -> JSONResponse:
        body = error_body(str(err.detail), http_error_type(err.status_code))
        headers = {"x-should-retry": "false"} if 400 <= err.status_code < 500 else {}
        return JSONResponse(body, status_code=err.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        param = ".".join(str(p) for p in first["loc"][1:]) or None
        body = error_body(f"Invalid request: {first['msg']}", "invalid_request_error", param)
        return JSONResponse(body, status_code=400, headers={"x-should-retry": "false"})

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error")
        body = error_body("Internal error in the bridge; see its log.", "api_error")
        return JSONResponse(body, status_code=500)

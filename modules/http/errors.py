"""Every error becomes one OpenAI-shaped JSON response (the mapping itself:
`openai_api/errors.py`); this module only installs it on the app."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BridgeError
from ..openai_api.errors import INTERNAL_MESSAGE, error_body, error_reply, http_error_type
from .client_facts import record_refusal

log = logging.getLogger(__name__)


def error_response(err: BridgeError, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON response for a domain error; `headers` add to the error's own."""
    reply = error_reply(err)
    return JSONResponse(
        reply.body, status_code=reply.status, headers={**(headers or {}), **reply.headers}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, HTTP errors and surprises to OpenAI-shaped responses."""

    # A request refused here never reached the pool: each handler records it (API paths
    # only), so a client asking "why does my tool fail" finds it in history and metrics.

    @app.exception_handler(BridgeError)
    async def _bridge(req: Request, err: BridgeError) -> JSONResponse:
        response = error_response(err)
        record_refusal(req, err.status, err.label, error_reply(err).body)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(req: Request, err: StarletteHTTPException) -> JSONResponse:
        kind = http_error_type(err.status_code)
        body = error_body(str(err.detail), kind)
        record_refusal(req, err.status_code, f"http_{err.status_code}", body)
        headers = {"x-should-retry": "false"} if 400 <= err.status_code < 500 else {}
        return JSONResponse(body, status_code=err.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(req: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        param = ".".join(str(p) for p in first["loc"][1:]) or None
        body = error_body(f"Invalid request: {first['msg']}", "invalid_request_error", param)
        record_refusal(req, 400, "bad_request", body)
        return JSONResponse(body, status_code=400, headers={"x-should-retry": "false"})

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error")
        body = error_body(INTERNAL_MESSAGE, "api_error")
        record_refusal(req, 500, "internal", body)
        return JSONResponse(body, status_code=500)

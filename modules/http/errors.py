"""Every error becomes one OpenAI-shaped JSON response, mapped here and nowhere else."""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BridgeError, ClientError, CoolDown, Unavailable
from ..openai_api.chunks import error_body

log = logging.getLogger(__name__)

_STATUS_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    503: "service_unavailable",
}


def status_of(err: BridgeError) -> int:
    return 429 if isinstance(err, CoolDown) else err.status


def error_payload(err: BridgeError) -> dict:
    """The OpenAI error body for a domain error (also used inside streams)."""
    status = status_of(err)
    code = getattr(err, "code", None) or getattr(err, "error_kind", None)
    return error_body(
        err.message, _STATUS_TYPES.get(status, err.kind), getattr(err, "param", None), code
    )


def error_response(err: BridgeError, headers: dict[str, str] | None = None) -> JSONResponse:
    out = dict(headers or {})
    if isinstance(err, Unavailable | CoolDown):
        out["Retry-After"] = str(math.ceil(err.retry_after_s))
    if isinstance(err, ClientError):
        # Deterministic: the official SDKs must not retry these.
        out["x-should-retry"] = "false"
    return JSONResponse(error_payload(err), status_code=status_of(err), headers=out)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, HTTP errors and surprises to OpenAI-shaped responses."""

    @app.exception_handler(BridgeError)
    async def _bridge(_req: Request, err: BridgeError) -> JSONResponse:
        return error_response(err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, err: StarletteHTTPException) -> JSONResponse:
        body = error_body(str(err.detail), _STATUS_TYPES.get(err.status_code, "api_error"))
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

"""Refusals of a send: the response the site gives and the kind /_control counts it under."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import JSONResponse

from ..upstream import protocol


class Refused(Exception):
    """Raised by a check to answer a send with `response`; `outcome` names the kind."""

    def __init__(self, response: Response, outcome: str) -> None:
        super().__init__(outcome)
        self.response = response
        self.outcome = outcome


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The site's JSON error body."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def refuse(
    status: int, message: str, outcome: str, headers: dict[str, str] | None = None
) -> Refused:
    """A refusal with the site's JSON error body."""
    return Refused(error(status, message, headers), outcome)


def no_access(user_id: str, session_id: str) -> Refused:
    """401: this user does not own (or there is no) such evaluation."""
    message = protocol.ERROR_NO_ACCESS.format(user_id=user_id, session_id=session_id)
    return refuse(401, message, "no_access")


def recaptcha_failed(outcome: str = "recaptcha") -> Refused:
    """403 recaptcha validation failed."""
    return refuse(403, protocol.ERROR_RECAPTCHA, outcome)

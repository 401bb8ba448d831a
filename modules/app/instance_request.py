"""An operator's request for a new instance (POST /api/instances), checked into an
InstanceSpec. Every field is optional; more (an account, with the identity work) are added
here as fields, and to InstanceSpec."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import ProxyConfig
from ..errors import BadRequest, Conflict
from ..pool.instance_spec import InstanceSpec
from ..util.display import NO_DISPLAY, has_display


class InstanceRequest(BaseModel):
    """The body of POST /api/instances."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(None, max_length=60, description="A name shown with the id.")
    proxy: ProxyConfig | None = Field(None, description="This instance's proxy, for life.")
    headed: bool = Field(False, description="Open in a visible window (needs a display).")
    max_concurrent: int | None = Field(
        None, ge=1, le=64, description="Requests at once; null: the pool's setting."
    )


def instance_spec(body: Any) -> InstanceSpec:
    """Validate a POST /api/instances body; BadRequest names the field, 409 without a display."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object of instance settings.")
    try:
        req = InstanceRequest.model_validate(body)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise BadRequest(f"Invalid {where or 'body'}: {message}", param=where) from None
    if req.headed and not has_display():
        raise Conflict(f"Cannot add a visible instance: {NO_DISPLAY}", code="no_display")
    label = req.label.strip() if req.label else None
    return InstanceSpec(
        label=label or None,
        proxy=req.proxy,
        headed=req.headed,
        max_concurrent=req.max_concurrent,
        operator=True,
    )

"""An operator's request for a new instance (POST /api/instances), checked into an
InstanceSpec and, for an account, the login it opens (a Playwright storage state or the
auth cookie value). Every field is optional; the login's shape is judged here, before
anything is stored (what the site thinks of it is asked later, with GET /api/me)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import ProxyConfig
from ..errors import BadRequest, Conflict
from ..identity.profiles import check_name
from ..identity.storage_state import Login, login_from_cookie, login_from_storage_state
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
    storage_state: dict[str, Any] | None = Field(
        None, description="An account: a Playwright storage state holding an arena login."
    )
    cookie: str | None = Field(
        None, max_length=65536, description="An account: the arena-auth-prod-v1 cookie value."
    )
    name: str | None = Field(None, description="The account's folder name (acct-<user id>).")


@dataclass(frozen=True, slots=True)
class AddInstance:
    """A checked POST /api/instances: the spec and, for an account, its login."""

    spec: InstanceSpec
    login: Login | None = None
    login_field: str = ""  # "storage_state" or "cookie": named by errors about the login
    name: str | None = None


def add_request(body: Any, arena_url: str) -> AddInstance:
    """Validate a POST /api/instances body; BadRequest names the field (the login's values
    are never put into a message)."""
    spec = instance_spec(body)
    req = InstanceRequest.model_validate(body or {})
    if req.storage_state is not None and req.cookie is not None:
        raise BadRequest("Give storage_state or cookie, not both.", param="cookie")
    if req.storage_state is not None:
        login = login_from_storage_state(req.storage_state, arena_url)
        return AddInstance(spec, login, "storage_state", _name(req.name))
    if req.cookie is not None:
        return AddInstance(
            spec, login_from_cookie(req.cookie, arena_url), "cookie", _name(req.name)
        )
    if req.name is not None:
        raise BadRequest("name names a saved account: give storage_state or cookie.", param="name")
    return AddInstance(spec)


def _name(name: str | None) -> str | None:
    return None if name is None else check_name(name.strip())


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

"""Saved logins: check a Playwright storage state, or build one from an auth cookie value.

Pure: no browser and no files. What the site thinks of the login (valid, expired, someone
else's) is asked later with the cheap `/api/me` check; here only the shape is judged, so a
bad upload is refused before anything is stored. Values are never put into messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import BadRequest
from ..upstream.identity import auth_cookie_value, decode_identity, split_auth_cookie
from ..upstream.protocol import AUTH_COOKIE, AUTH_COOKIE_CHUNK, AUTH_COOKIE_PREFIX

_SAME_SITE = ("Strict", "Lax", "None")
_MAX_COOKIES = 500


@dataclass(frozen=True, slots=True)
class Login:
    """A storage state that carries an arena session, and who it belongs to."""

    state: dict[str, Any]  # Playwright's shape: {"cookies": [...], "origins": [...]}
    user_id: str
    expires_at: float | None  # the access token's; the page refreshes it while it can


def _bad(message: str, param: str) -> BadRequest:
    return BadRequest(message, param=param, code="invalid_account")


def arena_host(arena_url: str) -> str:
    return (urlsplit(arena_url).hostname or "").lower()


def domain_matches(domain: str, host: str) -> bool:
    """Whether a cookie set for `domain` is sent to `host`."""
    d = domain.lower().lstrip(".")
    return bool(d) and (host == d or host.endswith("." + d))


def _str(item: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = item.get(key, default)
    if not isinstance(value, str):
        raise _bad(f"{where}.{key} must be a string", "storage_state")
    return value


def _cookie(item: object, n: int) -> dict[str, Any]:
    where = f"cookies[{n}]"
    if not isinstance(item, dict):
        raise _bad(f"{where} must be an object", "storage_state")
    expires = item.get("expires", -1)
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise _bad(f"{where}.expires must be a number", "storage_state")
    same_site = _str(item, "sameSite", where, "Lax")
    if same_site not in _SAME_SITE:
        raise _bad(f"{where}.sameSite must be one of {', '.join(_SAME_SITE)}", "storage_state")
    return {
        "name": _str(item, "name", where),
        "value": _str(item, "value", where),
        "domain": _str(item, "domain", where),
        "path": _str(item, "path", where, "/"),
        "expires": float(expires),
        "httpOnly": bool(item.get("httpOnly", False)),
        "secure": bool(item.get("secure", False)),
        "sameSite": same_site,
    }


def _origin(item: object, n: int) -> dict[str, Any]:
    where = f"origins[{n}]"
    if not isinstance(item, dict) or not isinstance(item.get("localStorage", []), list):
        raise _bad(f"{where} must be an object with a localStorage list", "storage_state")
    entries = [
        {"name": _str(e, "name", f"{where}.localStorage"), "value": _str(e, "value", where)}
        for e in item.get("localStorage", [])
        if isinstance(e, dict)
    ]
    return {"origin": _str(item, "origin", where), "localStorage": entries}


def _shape(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("cookies"), list):
        raise _bad(
            "not a Playwright storage state: expected an object with a 'cookies' list",
            "storage_state",
        )
    cookies, origins = data["cookies"], data.get("origins", [])
    if not isinstance(origins, list):
        raise _bad("origins must be a list", "storage_state")
    if len(cookies) > _MAX_COOKIES:
        raise _bad(f"too many cookies (more than {_MAX_COOKIES})", "storage_state")
    return {
        "cookies": [_cookie(c, n) for n, c in enumerate(cookies)],
        "origins": [_origin(o, n) for n, o in enumerate(origins)],
    }


def _is_auth_cookie(name: str) -> bool:
    return name == AUTH_COOKIE or name.startswith(AUTH_COOKIE + ".")


def login_from_storage_state(data: object, arena_url: str) -> Login:
    """Check an uploaded storage state; BadRequest naming what is wrong."""
    state = _shape(data)
    host = arena_host(arena_url)
    auth = [c for c in state["cookies"] if _is_auth_cookie(c["name"])]
    ours = [c for c in auth if domain_matches(c["domain"], host)]
    if auth and not ours:
        raise _bad(
            f"the {AUTH_COOKIE} cookie is for {auth[0]['domain']}, not for {host}: "
            "a login for another site",
            "storage_state",
        )
    if not ours:
        raise _bad(f"no {AUTH_COOKIE} cookie for {host}: not an arena login", "storage_state")
    state["cookies"] = [part for c in state["cookies"] for part in _split_long(c)]
    return _login(state, {c["name"]: c["value"] for c in ours}, "storage_state")


def _split_long(cookie: dict[str, Any]) -> list[dict[str, Any]]:
    """An auth cookie too long for a browser (4 KB) in the numbered parts the site uses."""
    if cookie["name"] != AUTH_COOKIE or len(cookie["value"]) <= AUTH_COOKIE_CHUNK:
        return [cookie]
    return [
        {**cookie, "name": n, "value": v} for n, v in split_auth_cookie(cookie["value"]).items()
    ]


def login_from_cookie(value: str, arena_url: str) -> Login:
    """A storage state holding just the auth cookie (split as the site splits it)."""
    value = value.strip()
    if value.startswith(AUTH_COOKIE + "="):
        value = value[len(AUTH_COOKIE) + 1 :]
    if not value.startswith(AUTH_COOKIE_PREFIX):
        raise _bad(
            f"not an {AUTH_COOKIE} cookie value (it starts with '{AUTH_COOKIE_PREFIX}')", "cookie"
        )
    parts = split_auth_cookie(value)
    secure = urlsplit(arena_url).scheme == "https"
    host = arena_host(arena_url)
    cookies = [
        {
            "name": name,
            "value": part,
            "domain": host,
            "path": "/",
            "expires": -1.0,
            "httpOnly": False,
            "secure": secure,
            "sameSite": "Lax",
        }
        for name, part in parts.items()
    ]
    return _login({"cookies": cookies, "origins": []}, parts, "cookie")


def _login(state: dict[str, Any], auth: dict[str, str], param: str) -> Login:
    identity = decode_identity(auth)
    if identity.user_id is None:
        raise _bad(f"the {AUTH_COOKIE} cookie does not hold an arena session", param)
    return Login(state, identity.user_id, identity.expires_at)


def auth_fingerprint(state: dict[str, Any], arena_url: str) -> str | None:
    """A digest of the state's auth cookie, to notice the site rotating it (not the secret)."""
    host = arena_host(arena_url)
    cookies = state.get("cookies") or []
    jar = {c["name"]: c["value"] for c in cookies if domain_matches(c.get("domain", ""), host)}
    value = auth_cookie_value(jar)
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


def summarise(state: dict[str, Any]) -> dict[str, Any]:
    """What may be shown of a storage state: cookie names and domains, never values."""
    cookies = state.get("cookies") or []
    return {
        "cookies": sorted({f"{c.get('name')} ({c.get('domain')})" for c in cookies}),
        "origins": sorted({str(o.get("origin")) for o in state.get("origins") or []}),
    }

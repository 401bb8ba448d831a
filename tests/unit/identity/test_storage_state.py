"""Accounts from a storage state or a cookie value: shape checks, errors that say what."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from modules.errors import BadRequest
from modules.identity import (
    auth_fingerprint,
    login_from_cookie,
    login_from_storage_state,
    summarise,
)
from modules.local_arena.sessions import encode_session

ARENA = "https://arena.ai"


def cookie(name: str, value: str, domain: str = ".arena.ai") -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "domain": domain,
        "path": "/",
        "expires": -1,
        "httpOnly": False,
        "secure": True,
        "sameSite": "Lax",
    }


def test_a_storage_state_with_a_split_auth_cookie_gives_the_user() -> None:
    value = encode_session("user-1")
    assert len(value) > 3180  # the arena's cookie is long enough to be split
    half = len(value) // 2
    state = {
        "cookies": [
            cookie("arena-auth-prod-v1.1", value[half:]),
            cookie("arena-auth-prod-v1.0", value[:half]),
            cookie("other", "x", "example.com"),
        ],
        "origins": [{"origin": ARENA, "localStorage": [{"name": "k", "value": "v"}]}],
    }
    login = login_from_storage_state(state, ARENA)
    assert login.user_id == "user-1" and login.expires_at is not None
    assert len(login.state["cookies"]) == 3


def test_a_cookie_value_becomes_a_storage_state_split_like_the_site() -> None:
    value = encode_session("user-2")
    login = login_from_cookie(f"arena-auth-prod-v1={value}\n", ARENA)
    assert login.user_id == "user-2"
    names = [c["name"] for c in login.state["cookies"]]
    assert names == ["arena-auth-prod-v1.0", "arena-auth-prod-v1.1"]
    assert all(c["domain"] == "arena.ai" and c["secure"] for c in login.state["cookies"])
    assert "".join(c["value"] for c in login.state["cookies"]) == value
    # Round trip: what we built passes our own check.
    assert login_from_storage_state(login.state, ARENA).user_id == "user-2"
    short = login_from_cookie(_short_session("u3"), "http://127.0.0.1:8100")
    assert [c["name"] for c in short.state["cookies"]] == ["arena-auth-prod-v1"]
    assert short.state["cookies"][0]["domain"] == "127.0.0.1"
    assert not short.state["cookies"][0]["secure"]


def _short_session(user_id: str) -> str:
    raw = json.dumps({"user": {"id": user_id}, "expires_at": 1}).encode()
    return "base64-" + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "expected an object with a 'cookies' list"),
        ({"origins": []}, "expected an object with a 'cookies' list"),
        ({"cookies": ["x"]}, "cookies[0] must be an object"),
        ({"cookies": [{"name": "a", "value": 1, "domain": "d"}]}, "cookies[0].value"),
        ({"cookies": [cookie("a", "b") | {"sameSite": "Odd"}]}, "sameSite"),
        ({"cookies": [cookie("session", "x")]}, "no arena-auth-prod-v1 cookie for arena.ai"),
        (
            {"cookies": [cookie("arena-auth-prod-v1", _short_session("u"), ".evil.com")]},
            "for .evil.com, not for arena.ai",
        ),
        (
            {"cookies": [cookie("arena-auth-prod-v1", "base64-bm9wZQ")]},
            "does not hold an arena session",
        ),
        ({"cookies": [], "origins": "x"}, "origins must be a list"),
    ],
)
def test_bad_storage_states_say_what_is_wrong(data: object, says: str) -> None:
    with pytest.raises(BadRequest) as err:
        login_from_storage_state(data, ARENA)
    assert says in err.value.message
    assert err.value.param == "storage_state" and err.value.code == "invalid_account"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("hello", "not an arena-auth-prod-v1 cookie value"),
        ("base64-!!!", "does not hold an arena session"),
        ("base64-" + base64.b64encode(b'{"user": {}}').decode(), "does not hold an arena session"),
    ],
)
def test_bad_cookie_values_say_what_is_wrong(value: str, says: str) -> None:
    with pytest.raises(BadRequest) as err:
        login_from_cookie(value, ARENA)
    assert says in err.value.message and err.value.param == "cookie"


def test_errors_and_summaries_never_carry_the_secret() -> None:
    secret = _short_session("u-9")
    state = {"cookies": [cookie("arena-auth-prod-v1", secret, ".evil.com")]}
    with pytest.raises(BadRequest) as err:
        login_from_storage_state(state, ARENA)
    assert secret not in err.value.message
    shown = json.dumps(summarise(login_from_cookie(secret, ARENA).state))
    assert secret not in shown and "arena-auth-prod-v1 (arena.ai)" in shown


def test_the_fingerprint_changes_when_the_cookie_rotates() -> None:
    a = login_from_cookie(_short_session("u"), ARENA).state
    b = login_from_cookie(_short_session("u") + "x", ARENA).state
    assert auth_fingerprint(a, ARENA) == auth_fingerprint(a, ARENA)
    assert auth_fingerprint(a, ARENA) != auth_fingerprint(b, ARENA)
    assert auth_fingerprint({"cookies": []}, ARENA) is None


def test_a_long_auth_cookie_is_split_as_the_site_splits_it() -> None:
    session = {"access_token": "x" * 5000, "user": {"id": "u-long"}}
    value = "base64-" + base64.urlsafe_b64encode(json.dumps(session).encode()).decode()
    cookie = {"name": "arena-auth-prod-v1", "value": value, "domain": "arena.ai"}
    login = login_from_storage_state({"cookies": [cookie]}, ARENA)
    names = [c["name"] for c in login.state["cookies"]]
    assert names == ["arena-auth-prod-v1.0", "arena-auth-prod-v1.1", "arena-auth-prod-v1.2"]
    assert "".join(c["value"] for c in login.state["cookies"]) == value
    assert login.user_id == "u-long"

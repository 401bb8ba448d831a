"""POST /api/instances bodies: every field optional, mistakes named, no window without a display."""

from __future__ import annotations

import pytest

from modules.app.instance_request import add_request, instance_spec
from modules.errors import BadRequest, Conflict


def test_an_empty_body_is_the_pools_default_made_by_the_operator() -> None:
    spec = instance_spec(None)
    assert (spec.label, spec.proxy, spec.headed, spec.max_concurrent) == (None, None, False, None)
    assert spec.operator and instance_spec({}) == spec


def test_every_field_is_carried_into_the_spec() -> None:
    body = {
        "label": "  eu-1 ",
        "max_concurrent": 3,
        "proxy": {"server": "http://127.0.0.1:9000", "username": "u", "password": "pw-7"},
    }
    spec = instance_spec(body)
    assert spec.label == "eu-1" and spec.max_concurrent == 3
    assert spec.proxy is not None and spec.proxy.server == "http://127.0.0.1:9000"
    assert spec.secrets() == ["pw-7"]


@pytest.mark.parametrize(
    ("body", "param", "text"),
    [
        ({"max_concurrent": 0}, "max_concurrent", "greater than or equal to 1"),
        ({"label": "x" * 61}, "label", "at most 60"),
        ({"proxy": {"server": "127.0.0.1:9000"}}, "proxy", "server must look like"),
        ({"proxy": {"server": "http://u:p@h:1"}}, "proxy", "not server"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ([1, 2], None, "JSON object"),
    ],
)
def test_mistakes_are_named(body: object, param: str | None, text: str) -> None:
    with pytest.raises(BadRequest) as err:
        instance_spec(body)
    assert err.value.param == param and text in err.value.message


def test_a_password_never_appears_in_an_error() -> None:
    with pytest.raises(BadRequest) as err:
        instance_spec({"proxy": {"server": "ftp://h:1", "password": "pw-secret-9"}})
    assert "pw-secret-9" not in err.value.message


def test_a_visible_instance_needs_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(Conflict, match="no display"):
        instance_spec({"headed": True})
    monkeypatch.setenv("DISPLAY", ":99")
    assert instance_spec({"headed": True}).headed


URL = "http://127.0.0.1:8000"
SESSION = "base64-eyJ1c2VyIjogeyJpZCI6ICJ1LTEifX0"  # {"user": {"id": "u-1"}}


def test_an_account_body_carries_its_checked_login() -> None:
    by_cookie = add_request({"cookie": SESSION, "name": "main"}, URL)
    assert by_cookie.login is not None and by_cookie.login.user_id == "u-1"
    assert (by_cookie.login_field, by_cookie.name) == ("cookie", "main")
    state = by_cookie.login.state
    by_file = add_request({"storage_state": state}, URL)
    assert by_file.login is not None and by_file.login.user_id == "u-1"
    assert by_file.login_field == "storage_state" and by_file.name is None
    assert add_request({"label": "x"}, URL).login is None


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"storage_state": [1, 2]}, "storage_state"),  # not an object
        ({"storage_state": {"origins": []}}, "storage_state"),  # no cookies list
        ({"storage_state": {"cookies": []}}, "storage_state"),  # no arena login
        (
            {
                "storage_state": {
                    "cookies": [
                        {"name": "arena-auth-prod-v1", "value": SESSION, "domain": "example.org"}
                    ]
                }
            },
            "storage_state",
        ),  # a login for another site
        ({"cookie": "not-a-session"}, "cookie"),
        ({"cookie": "base64-bm90IGpzb24"}, "cookie"),  # no session inside
        ({"cookie": SESSION, "storage_state": {"cookies": []}}, "cookie"),
        ({"cookie": SESSION, "name": "../etc"}, "name"),
        ({"name": "lonely"}, "name"),
    ],
)
def test_a_bad_account_is_refused_naming_the_field(body: dict, param: str) -> None:
    with pytest.raises(BadRequest) as err:
        add_request(body, URL)
    assert err.value.param == param
    assert SESSION not in err.value.message  # a login is never echoed

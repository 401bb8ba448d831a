"""POST /api/instances bodies: every field optional, mistakes named, no window without a display."""

from __future__ import annotations

import pytest

from modules.app.instance_request import instance_spec
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

"""The error tree: every class has one outside face, and the drawing shows every class."""

from __future__ import annotations

import re

import pytest

import modules.errors as errors_module
from modules.errors import (
    BadRequest,
    BridgeError,
    ClientError,
    CoolDown,
    ModelNotFound,
    QueueFullError,
    StreamCut,
    Unavailable,
    UpstreamError,
    all_error_classes,
)
from modules.observability.records import CLIENT_ERROR_KINDS
from modules.openai_api.errors import error_reply, http_error_type

OPENAI_TYPES = {
    "api_error",
    "invalid_request_error",
    "authentication_error",
    "permission_error",
    "rate_limit_error",
    "service_unavailable",
    "upstream_error",
}


def _make(cls: type[BridgeError]) -> BridgeError:
    if issubclass(cls, CoolDown):
        return cls("slow down", retry_after_s=7.2)
    return cls("it failed")


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_every_class_maps_to_a_status_and_type(cls: type[BridgeError]) -> None:
    reply = error_reply(_make(cls))
    assert 400 <= reply.status < 600
    assert reply.body["error"]["type"] in OPENAI_TYPES
    assert reply.body["error"]["message"] == reply.body["error"]["message"].strip()
    assert cls.label and re.fullmatch(r"[a-z0-9_]+", cls.label)
    if issubclass(cls, ClientError):
        assert 400 <= reply.status < 500 and reply.headers["x-should-retry"] == "false"
    else:
        assert "x-should-retry" not in reply.headers


def _drawn_depths() -> dict[str, int]:
    """Class name -> column where the drawing in the errors module's docstring shows it."""
    depths: dict[str, int] = {}
    for line in (errors_module.__doc__ or "").splitlines():
        m = re.match(r"^(\s{4}[│├└─ ]*)([A-Z]\w+)", line)
        if m:
            assert m.group(2) not in depths, f"{m.group(2)} drawn twice"
            depths[m.group(2)] = len(m.group(1))
    return depths


def test_the_drawing_names_every_class() -> None:
    assert sorted(_drawn_depths()) == sorted(c.__name__ for c in all_error_classes())


def test_drawing_indentation_follows_inheritance() -> None:
    depth = _drawn_depths()
    for cls in all_error_classes()[1:]:
        parent = cls.__bases__[0]
        assert depth[cls.__name__] == depth[parent.__name__] + 4, cls.__name__


def test_labels_are_unique_except_shared_bases() -> None:
    labels = [c.label for c in all_error_classes() if "label" in c.__dict__]
    assert len(labels) == len(set(labels))


def test_cool_down_is_429_with_retry_after_from_its_class() -> None:
    reply = error_reply(CoolDown("rate limited", retry_after_s=7.2))
    assert reply.status == 429
    assert reply.body["error"] == {
        "message": "rate limited",
        "type": "rate_limit_error",
        "param": None,
        "code": "429",
    }
    # Whole seconds for HTTP, milliseconds for the openai SDKs (which read those first).
    assert reply.headers == {"Retry-After": "8", "retry-after-ms": "7200"}


def test_unavailable_family_carries_retry_after_and_its_code() -> None:
    reply = error_reply(QueueFullError("full", retry_after_s=0.2))
    assert (reply.status, reply.headers["Retry-After"]) == (503, "1")
    assert reply.body["error"]["code"] == "queue_full"
    assert isinstance(QueueFullError("x"), Unavailable)


def test_codes_default_per_class_and_can_be_given() -> None:
    assert error_reply(ModelNotFound("no", param="model")).body["error"] == {
        "message": "no",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }
    assert BadRequest("x").code is None
    assert BadRequest("x", code="c").code == "c"
    assert StreamCut("x").code == StreamCut.label == "stream_cut"
    assert UpstreamError("x").status == 502


def test_client_error_kinds_come_from_the_tree() -> None:
    assert {"bad_request", "content_rejected", "payload_too_large"} <= CLIENT_ERROR_KINDS
    assert "429" not in CLIENT_ERROR_KINDS


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, "authentication_error"),
        (403, "permission_error"),
        (405, "invalid_request_error"),
        (500, "api_error"),
    ],
)
def test_plain_http_errors(status: int, kind: str) -> None:
    assert http_error_type(status) == kind


def test_the_package_exports_every_class() -> None:
    exported = set(errors_module.__all__)
    assert {c.__name__ for c in all_error_classes()} <= exported
    assert all(hasattr(errors_module, name) for name in exported)

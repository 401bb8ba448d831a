"""OpenAI messages to upstream chat turns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from modules.errors import BadRequest, PayloadTooLarge
from modules.openai_api.attachments import ImagePolicy
from modules.openai_api.convert import to_chat_turns
from modules.openai_api.schema import validate_request
from modules.upstream.body import Attachment, ChatTurn
from modules.upstream.models import ArenaModel

VISION = ArenaModel("v", "vision", "o", "p", {"text": True, "image": {"multipleImages": True}})
SINGLE = ArenaModel("s", "single", "o", "p", {"text": True, "image": {"multipleImages": False}})
TEXT_ONLY = ArenaModel("t", "texty", "o", "p", {"text": True})
PNG = "data:image/png;base64,iVBORw0KGgo="
JPEG = "data:image/jpeg;base64,/9j/4AAQ"


def _image(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def _convert(
    messages: list[dict[str, Any]],
    model: ArenaModel = VISION,
    url_allowlist: Sequence[str] = (),
    **limits: Any,
) -> list[ChatTurn]:
    policy = ImagePolicy(tuple(url_allowlist), **limits)
    return to_chat_turns(validate_request({"model": "m", "messages": messages}), model, policy)


def _rejected(messages: list[dict[str, Any]], model: ArenaModel = VISION, **kw: Any) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        _convert(messages, model, **kw)
    assert caught.value.param == "messages"
    return caught.value


def test_roles_and_full_history() -> None:
    turns = _convert(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": "Use metric units."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": None},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "How far is the moon?"},
        ]
    )
    assert turns == [
        ChatTurn("system", "Be brief."),
        ChatTurn("system", "Use metric units."),
        ChatTurn("user", "Hi"),
        ChatTurn("assistant", ""),
        ChatTurn("assistant", "Hello!"),
        ChatTurn("user", "How far is the moon?"),
    ]


def test_text_parts_are_joined_with_newlines() -> None:
    parts = [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]
    assert _convert([{"role": "user", "content": parts}]) == [ChatTurn("user", "one\ntwo")]


def test_data_uris_become_numbered_attachments() -> None:
    turns = _convert(
        [
            {"role": "user", "content": [{"type": "text", "text": "a"}, _image(PNG)]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [_image(JPEG), {"type": "text", "text": "b"}, _image(PNG)]},
        ]
    )
    assert turns[0] == ChatTurn("user", "a", (Attachment("image-1.png", "image/png", PNG),))
    assert turns[2].text == "b"
    assert turns[2].attachments == (
        Attachment("image-2.jpg", "image/jpeg", JPEG),
        Attachment("image-3.png", "image/png", PNG),
    )


def test_remote_urls_need_the_allowlist() -> None:
    url = "https://cdn.example.com/cat.webp"
    error = _rejected([{"role": "user", "content": [_image(url)]}])
    assert "data: URI" in error.message
    _rejected(
        [{"role": "user", "content": [_image(url)]}],
        url_allowlist=["https://cdn.example.com.evil/", ""],
    )
    [turn] = _convert(
        [{"role": "user", "content": [_image(url)]}], url_allowlist=["https://cdn.example.com/"]
    )
    assert turn.attachments == (Attachment("image-1.webp", "image/webp", url),)


@pytest.mark.parametrize("prefix", ["https://cdn.example.com", "https://cdn.example.com/img"])
def test_an_allowlist_prefix_does_not_admit_look_alike_hosts_or_paths(prefix: str) -> None:
    for url in (
        "https://cdn.example.com.evil.net/img/cat.png",
        "https://cdn.example.com@evil.net/img/cat.png",
        "http://cdn.example.com/img/cat.png",
        "https://cdn.example.com/imgs-elsewhere/cat.png"
        if prefix.endswith("img")
        else "https://cdn.example.com:444/img/cat.png",
    ):
        _rejected([{"role": "user", "content": [_image(url)]}], url_allowlist=[prefix])
    [turn] = _convert(
        [{"role": "user", "content": [_image("https://cdn.example.com/img/a.png")]}],
        url_allowlist=[prefix],
    )
    assert turn.attachments[0].url.endswith("/img/a.png")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://x/y.png",
        "data:text/plain;base64,aGk=",
        "data:image/png",
        "data:image/png;base64,",
    ],
)
def test_bad_image_urls(url: str) -> None:
    _rejected([{"role": "user", "content": [_image(url)]}])


def test_images_to_a_text_only_model() -> None:
    error = _rejected([{"role": "user", "content": [_image(PNG)]}], TEXT_ONLY)
    assert "texty" in error.message and "images" in error.message


def test_one_image_per_message_when_model_says_so() -> None:
    [turn] = _convert([{"role": "user", "content": [_image(PNG)]}], SINGLE)
    assert len(turn.attachments) == 1
    _rejected([{"role": "user", "content": [_image(PNG), _image(JPEG)]}], SINGLE)


@pytest.mark.parametrize("role", ["assistant", "system", "developer"])
def test_last_message_must_be_user(role: str) -> None:
    error = _rejected([{"role": "user", "content": "x"}, {"role": role, "content": "y"}])
    assert "last message" in error.message


@pytest.mark.parametrize(
    "path",
    [
        "/public/../private/x.png",
        "/public/%2e%2e/private/x.png",
        "/public/%2E%2E/private/x.png",
        "/public/.%2e/private/x.png",
        "/public/%252e%252e/private/x.png",
        "/public/..%2fprivate/x.png",
        "/public/..%5cprivate/x.png",
        "/public/./../private/x.png",
    ],
)
def test_an_allowlist_prefix_cannot_be_left_by_dot_segments(path: str) -> None:
    url = "https://cdn.example.com" + path
    _rejected(
        [{"role": "user", "content": [_image(url)]}],
        url_allowlist=["https://cdn.example.com/public/"],
    )


def test_inline_images_are_capped_per_image_and_per_request() -> None:
    def image(size: int) -> dict[str, Any]:
        return _image("data:image/png;base64," + "A" * (size * 4 // 3))

    one = [{"role": "user", "content": [image(900)]}]
    assert _convert(one, max_image_bytes=1000)[0].attachments
    with pytest.raises(PayloadTooLarge) as caught:
        _convert([{"role": "user", "content": [image(1100)]}], max_image_bytes=1000)
    assert caught.value.code == "image_too_large"
    three = [{"role": "user", "content": [image(900)]}] * 3
    with pytest.raises(PayloadTooLarge) as caught:
        _convert(three, max_image_bytes=1000, max_total_bytes=2500)
    assert caught.value.code == "images_too_large"

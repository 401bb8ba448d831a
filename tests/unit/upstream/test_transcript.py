"""A new compose chat carries the whole OpenAI history as one message of labelled turns."""

from __future__ import annotations

import base64

import pytest

from modules.errors import BadRequest
from modules.upstream.body import Attachment, ChatTurn
from modules.upstream.transcript import attachment_bytes, render_transcript, transcript_images


def test_a_lone_user_message_goes_as_it_is() -> None:
    assert render_transcript([ChatTurn("user", "  hi there\n")]) == "  hi there\n"


def test_turns_are_labelled_and_separated_by_a_blank_line() -> None:
    turns = [
        ChatTurn("system", "be brief"),
        ChatTurn("user", "first"),
        ChatTurn("assistant", "answer one\nsecond line"),
        ChatTurn("user", "second"),
    ]
    assert render_transcript(turns) == (
        "System: be brief\n\nUser: first\n\nAssistant: answer one\nsecond line\n\nUser: second"
    )


def test_a_system_message_alone_with_the_user_is_labelled_too() -> None:
    turns = [ChatTurn("system", "you are terse"), ChatTurn("user", "hello")]
    assert render_transcript(turns) == "System: you are terse\n\nUser: hello"


def test_an_image_only_turn_keeps_its_label_without_trailing_space() -> None:
    image = Attachment("a.png", "image/png", "data:image/png;base64,AAAA")
    turns = [ChatTurn("user", "look"), ChatTurn("assistant", "ok"), ChatTurn("user", "", (image,))]
    assert render_transcript(turns).endswith("Assistant: ok\n\nUser:")
    assert transcript_images(turns) == [image]


def test_images_of_every_turn_in_order_and_their_bytes() -> None:
    raw = b"\x89PNG\r\n"
    one = Attachment(
        "1.png", "image/png", "data:image/png;base64," + base64.b64encode(raw).decode()
    )
    two = Attachment("2.gif", "image/gif", "data:image/gif,GIF89a%00")
    turns = [
        ChatTurn("user", "a", (one,)),
        ChatTurn("assistant", "b"),
        ChatTurn("user", "c", (two,)),
    ]
    assert transcript_images(turns) == [one, two]
    assert attachment_bytes(one) == raw
    assert attachment_bytes(two) == b"GIF89a\x00"


def test_remote_images_cannot_go_through_a_file_input() -> None:
    remote = Attachment("r.png", "image/png", "https://example.com/r.png")
    with pytest.raises(BadRequest, match="data: URIs"):
        attachment_bytes(remote)

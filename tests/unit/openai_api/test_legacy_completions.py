"""/v1/completions translated onto the chat path, and its response objects."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.legacy_completions import (
    new_completion_id,
    text_chunk,
    text_completion,
    to_chat_body,
)


def test_prompt_becomes_one_user_message() -> None:
    body = to_chat_body(
        {"model": "m", "prompt": "Once upon", "max_tokens": 5, "stop": ["\n"], "stream": True}
    )
    assert body == {
        "model": "m",
        "messages": [{"role": "user", "content": "Once upon"}],
        "max_tokens": 5,
        "stop": ["\n"],
        "stream": True,
    }
    assert to_chat_body({"model": "m", "prompt": ["one"]})["messages"][0]["content"] == "one"


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"prompt": ["a", "b"]}, "prompt"),
        ({"prompt": [1, 2, 3]}, "prompt"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "x", "suffix": "y"}, "suffix"),
        ({"prompt": "x", "logprobs": 2}, "logprobs"),
        ({"prompt": "x", "best_of": 3}, "best_of"),
    ],
)
def test_refused_fields(extra: dict[str, Any], param: str) -> None:
    with pytest.raises(BadRequest) as caught:
        to_chat_body({"model": "m", **extra})
    assert caught.value.param == param


def test_response_objects() -> None:
    cid = new_completion_id()
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    body = text_completion("m", "text", "stop", usage, cid)
    assert body["object"] == "text_completion" and body["id"].startswith("cmpl-")
    assert body["choices"] == [
        {"text": "text", "index": 0, "logprobs": None, "finish_reason": "stop"}
    ]
    assert body["usage"] == usage
    assert text_chunk("m", "t", None, cid)["choices"][0]["finish_reason"] is None

"""OpenAI response objects: chunks, completion, usage, errors."""

from __future__ import annotations

import pytest

from modules.openai_api.answer import image_markdown
from modules.openai_api.chunks import (
    ChunkBuilder,
    build_completion,
    estimate_tokens,
    usage_for,
)
from modules.openai_api.errors import error_body


def _builder() -> ChunkBuilder:
    return ChunkBuilder("chatty", completion_id="chatcmpl-1", created=1700000000)


def _envelope(chunk: dict) -> dict:
    return {k: chunk[k] for k in ("id", "object", "created", "model")}


def test_envelope_is_shared_by_every_chunk() -> None:
    b = _builder()
    chunks = [b.role_chunk(), b.content_chunk("x"), b.reasoning_chunk("r"), b.finish_chunk("stop")]
    for chunk in chunks + [b.usage_chunk({"total_tokens": 1})]:
        assert _envelope(chunk) == {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "chatty",
        }


def test_choice_chunks() -> None:
    b = _builder()
    assert b.role_chunk()["choices"] == [
        {
            "index": 0,
            "delta": {"role": "assistant", "content": ""},
            "logprobs": None,
            "finish_reason": None,
        }
    ]
    assert b.content_chunk("Rivers ")["choices"][0]["delta"] == {"content": "Rivers "}
    assert b.reasoning_chunk("hmm")["choices"][0]["delta"] == {"reasoning_content": "hmm"}
    finish = b.finish_chunk("content_filter")["choices"][0]
    assert finish["delta"] == {} and finish["finish_reason"] == "content_filter"


def test_usage_chunk_has_no_choices() -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    chunk = _builder().usage_chunk(usage)
    assert chunk["choices"] == [] and chunk["usage"] == usage


def test_defaults_for_id_and_created() -> None:
    a, b = ChunkBuilder("m"), ChunkBuilder("m")
    assert a.completion_id.startswith("chatcmpl-") and a.completion_id != b.completion_id
    assert isinstance(a.created, int) and a.created > 1_600_000_000


def test_build_completion() -> None:
    usage = usage_for(["Hi"], "Hello")
    body = build_completion("chatty", "Hello", "", "stop", usage, "chatcmpl-9", created=5)
    assert body == {
        "id": "chatcmpl-9",
        "object": "chat.completion",
        "created": 5,
        "model": "chatty",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello"},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": usage,
    }


def test_build_completion_with_reasoning() -> None:
    body = build_completion("m", "42", "thinking", "length", usage_for([], "42"))
    assert body["choices"][0]["message"]["reasoning_content"] == "thinking"
    assert body["id"].startswith("chatcmpl-")


@pytest.mark.parametrize(
    ("text", "tokens"), [("", 0), ("a", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)]
)
def test_estimate_tokens(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


def test_usage_for() -> None:
    assert usage_for(["abcd", "abcdefgh"], "abc") == {
        "prompt_tokens": 3,
        "completion_tokens": 1,
        "total_tokens": 4,
    }


def test_error_body() -> None:
    assert error_body("bad", "invalid_request_error", "n") == {
        "error": {"message": "bad", "type": "invalid_request_error", "param": "n", "code": None}
    }
    assert error_body("x", "t", code="c")["error"]["code"] == "c"


def test_image_markdown() -> None:
    assert image_markdown(["https://i/1.png"]) == "![image](https://i/1.png)"
    assert image_markdown(["a", "b"]) == "![image](a)\n\n![image](b)"
    assert image_markdown([]) == ""

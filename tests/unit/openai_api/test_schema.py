"""Request validation: what is accepted, what is ignored, and every 400 with its param."""

from __future__ import annotations

from typing import Any

import pytest

from modules.errors import BadRequest
from modules.openai_api.schema import ImagePart, TextPart, validate_request

USER = {"role": "user", "content": "Hi"}


def _req(**fields: Any) -> dict[str, Any]:
    return {"model": "chatty", "messages": [USER], **fields}


def _rejects(raw: object) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        validate_request(raw)
    assert caught.value.status == 400
    return caught.value


def test_minimal_request() -> None:
    req = validate_request(_req())
    assert req.model == "chatty"
    assert req.stream is False
    assert req.include_usage is False
    assert req.messages[0].role == "user" and req.messages[0].content == "Hi"


def test_every_known_field_and_unknown_extras() -> None:
    req = validate_request(
        _req(
            stream=True,
            stream_options={"include_usage": True},
            temperature=0.7,
            top_p=0.9,
            max_tokens=100,
            max_completion_tokens=100,
            presence_penalty=0.1,
            frequency_penalty=-0.1,
            stop=["\n\n"],
            seed=1,
            user="me",
            response_format={"type": "text"},
            n=1,
            tools=[],
            tool_choice="none",
            functions=[],
            function_call="none",
            logprobs=False,
            top_logprobs=0,
            parallel_tool_calls=False,
            some_future_field={"x": 1},
        )
    )
    assert req.stream and req.include_usage
    assert req.stop == ["\n\n"]
    assert not hasattr(req, "some_future_field")


@pytest.mark.parametrize("role", ["system", "developer", "user", "assistant"])
def test_roles(role: str) -> None:
    req = validate_request({"model": "m", "messages": [{"role": role, "content": "x"}]})
    assert req.messages[0].role == role


def test_content_parts_and_null_content() -> None:
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}},
    ]
    req = validate_request(
        {
            "model": "m",
            "messages": [
                {"role": "assistant", "content": None, "name": "bot"},
                {"role": "user", "content": parts},
            ],
        }
    )
    assert req.messages[0].content is None
    text, image = req.messages[1].content  # type: ignore[misc]
    assert isinstance(text, TextPart) and text.text == "What is this?"
    assert isinstance(image, ImagePart) and image.image_url.url.startswith("data:")


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        (_req(n=2), "n"),
        (_req(functions=[{"name": "f"}]), "functions"),
        (_req(logprobs=True), "logprobs"),
        ({"model": "m", "messages": [{"role": "function", "content": "42"}]}, "messages"),
    ],
)
def test_unsupported_features_are_rejected(raw: dict[str, Any], param: str) -> None:
    error = _rejects(raw)
    assert error.param == param
    assert (
        "not supported" in error.message
        or "not available" in error.message
        or "legacy" in error.message
    )


def test_tools_and_tool_messages_are_accepted() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    req = validate_request(
        _req(
            tools=[{"type": "function", "function": {"name": "f"}}],
            messages=[
                USER,
                {"role": "assistant", "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "c1", "content": "42"},
            ],
        )
    )
    assert req.tools and req.messages[1].tool_calls and req.messages[2].tool_call_id == "c1"


@pytest.mark.parametrize(
    ("raw", "param", "text"),
    [
        ({"messages": [USER]}, "model", "Missing required parameter: 'model'"),
        ({"model": "m"}, "messages", "Missing required parameter: 'messages'"),
        (_req(model=""), "model", "at least 1 character"),
        ({"model": "m", "messages": []}, "messages", "at least 1 item"),
        ({"model": "m", "messages": [{"role": "robot"}]}, "messages[0].role", "'user'"),
        (
            {"model": "m", "messages": [{"role": "user", "content": 5}]},
            "messages[0].content",
            "content must be",
        ),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "text"}]}]},
            "messages[0].content[0].text",
            "Missing required parameter",
        ),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "messages[0].content[0]",
            "'text' or 'image_url'",
        ),
        (
            {
                "model": "m",
                "messages": [
                    USER,
                    {"role": "user", "content": [{"type": "image_url", "image_url": {}}]},
                ],
            },
            "messages[1].content[0].image_url.url",
            "Missing required parameter",
        ),
        (_req(temperature=3), "temperature", "less than or equal to 2"),
        (_req(stream="maybe"), "stream", "valid boolean"),
        (_req(stop=[1]), "stop[0]", "valid string"),
        (_req(stream_options={"include_usage": "x"}), "stream_options.include_usage", "boolean"),
        (_req(n=0), "n", "greater than or equal to 1"),
    ],
)
def test_invalid_requests_name_the_field(raw: dict[str, Any], param: str, text: str) -> None:
    error = _rejects(raw)
    assert error.param == param
    assert text in error.message
    for internal in ("pydantic", "errors.pydantic.dev", "input_value", "type=", "For further"):
        assert internal not in error.message


@pytest.mark.parametrize("raw", [[], "text", None, 3])
def test_body_must_be_an_object(raw: object) -> None:
    error = _rejects(raw)
    assert error.param is None
    assert "JSON object" in error.message


def test_public_api_is_exported() -> None:
    import modules.openai_api as openai_api

    assert sorted(openai_api.__all__) == openai_api.__all__
    assert all(hasattr(openai_api, name) for name in openai_api.__all__)

"""The OpenAI side of the bridge: request schema, conversion to upstream turns, chunks."""

from __future__ import annotations

from modules.openai_api.chunks import (
    ChunkBuilder,
    build_completion,
    error_body,
    estimate_tokens,
    image_markdown,
    usage_for,
)
from modules.openai_api.convert import to_chat_turns
from modules.openai_api.schema import (
    ChatCompletionRequest,
    ChatMessage,
    ImagePart,
    TextPart,
    validate_request,
)

__all__ = [
    "ChatCompletionRequest",
    "ChatMessage",
    "ChunkBuilder",
    "ImagePart",
    "TextPart",
    "build_completion",
    "error_body",
    "estimate_tokens",
    "image_markdown",
    "to_chat_turns",
    "usage_for",
    "validate_request",
]

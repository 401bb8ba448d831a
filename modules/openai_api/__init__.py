"""The OpenAI side of the bridge: request schema, conversion to upstream turns, chunks."""

from __future__ import annotations

from modules.openai_api.answer import Answer, image_markdown, url_citations
from modules.openai_api.chunks import (
    ChunkBuilder,
    build_completion,
    estimate_tokens,
    usage_for,
)
from modules.openai_api.convert import to_chat_turns
from modules.openai_api.errors import ErrorReply, error_body, error_reply
from modules.openai_api.schema import (
    ChatCompletionRequest,
    ChatMessage,
    ImagePart,
    TextPart,
    validate_request,
)

__all__ = [
    "Answer",
    "ChatCompletionRequest",
    "ChatMessage",
    "ChunkBuilder",
    "ErrorReply",
    "ImagePart",
    "TextPart",
    "build_completion",
    "error_body",
    "error_reply",
    "estimate_tokens",
    "image_markdown",
    "to_chat_turns",
    "url_citations",
    "usage_for",
    "validate_request",
]

"""`POST /v1/completions` (legacy): the prompt becomes one user message on the chat path.

One prompt string (or a list holding one); `echo` puts the prompt before the answer.
Refused with 400: token-id prompts, several prompts, `suffix`, `logprobs`, `best_of` > 1
(`n` > 1 is refused by the chat validation). Without `max_tokens` the answer is not cut
(OpenAI's default of 16 tokens would cut nearly every answer short).
"""

from __future__ import annotations

import time
from typing import Any

from modules.errors import BadRequest
from modules.openai_api.ids import new_id

_PASSED = (
    "model",
    "stream",
    "stream_options",
    "max_tokens",
    "stop",
    "temperature",
    "top_p",
    "n",
    "seed",
    "user",
    "presence_penalty",
    "frequency_penalty",
)


def to_chat_body(raw: object) -> dict[str, Any]:
    """The chat-completions body for a legacy completions request."""
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    prompt = _prompt(raw.get("prompt"))
    for field in ("suffix", "logprobs"):
        if raw.get(field) is not None:
            raise BadRequest(f"'{field}' is not supported by this bridge.", param=field)
    if (raw.get("best_of") or 1) > 1:
        raise BadRequest("best_of > 1 is not supported: one answer per request.", param="best_of")
    body = {k: raw[k] for k in _PASSED if k in raw}
    body["messages"] = [{"role": "user", "content": prompt}]
    return body


def _prompt(prompt: object) -> str:
    if isinstance(prompt, list) and len(prompt) == 1:
        prompt = prompt[0]
    if isinstance(prompt, str) and prompt:
        return prompt
    if isinstance(prompt, list) and len(prompt) > 1:
        raise BadRequest("Send one prompt per request (a list of several).", param="prompt")
    raise BadRequest("'prompt' must be a non-empty string.", param="prompt")


def new_completion_id() -> str:
    """A legacy completion id (`cmpl-…`)."""
    return new_id("cmpl-", 16)


def text_completion(
    model: str, text: str, finish_reason: str, usage: dict[str, int], completion_id: str
) -> dict[str, Any]:
    """The non-stream `text_completion` object."""
    return {**text_chunk(model, text, finish_reason, completion_id), "usage": usage}


def text_chunk(
    model: str, text: str, finish_reason: str | None, completion_id: str
) -> dict[str, Any]:
    """One streamed `text_completion` chunk (the stream uses the same object type)."""
    choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": finish_reason}
    return {
        "id": completion_id,
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
    }

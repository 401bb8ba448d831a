"""The OpenAI chat-completions request, validated; what the bridge cannot honour is a 400.

Emulated or applied by the bridge (see agent_request): `tools`, `tool_choice`,
`parallel_tool_calls`, `role: "tool"` messages and assistant `tool_calls`,
`response_format`, `stop`, `max_tokens` / `max_completion_tokens` (approximate).
Accepted but ignored (the site offers no such knobs; the model decides): `temperature`,
`top_p`, `presence_penalty`, `frequency_penalty`, `seed`, `user`, `top_logprobs` (with
logprobs off), a message's `name`, and any field OpenAI may add later.

Rejected with 400: `n` > 1, the legacy `functions`, `logprobs: true`, and messages with
the legacy role `function`. Extension: `arena` asks for a battle mode (matchup_id).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
)

from modules.errors import BadRequest

_IGNORE_EXTRA = ConfigDict(extra="ignore", frozen=True)
MAX_MODEL_NAME = 256


class TextPart(BaseModel):
    """A `{"type": "text"}` content part."""

    model_config = _IGNORE_EXTRA
    type: Literal["text"]
    text: str


class ImageUrl(BaseModel):
    """The `image_url` object of an image part."""

    model_config = _IGNORE_EXTRA
    url: str = Field(min_length=1)
    detail: str | None = None


class ImagePart(BaseModel):
    """A `{"type": "image_url"}` content part."""

    model_config = _IGNORE_EXTRA
    type: Literal["image_url"]
    image_url: ImageUrl


ContentPart = Annotated[TextPart | ImagePart, Field(discriminator="type")]


class CalledFunction(BaseModel):
    """The `function` of an assistant's tool call: name and arguments (a JSON string)."""

    model_config = _IGNORE_EXTRA
    name: str = Field(min_length=1)
    arguments: str = ""


class MessageToolCall(BaseModel):
    """One entry of an assistant message's `tool_calls`."""

    model_config = _IGNORE_EXTRA
    id: str = Field(min_length=1)
    type: Literal["function"] = "function"
    function: CalledFunction


class ChatMessage(BaseModel):
    """One message of the request."""

    model_config = _IGNORE_EXTRA
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[MessageToolCall] | None = None
    tool_call_id: str | None = None

    @property
    def text(self) -> str:
        """The text of the content: the string, or the text parts joined by newlines."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if p.type == "text")

    @field_validator("content", mode="before")
    @classmethod
    def _content_shape(cls, value: object) -> object:
        # Checked first so a wrong type gives one clear message, not one per union branch.
        if value is not None and not isinstance(value, str | list):
            raise ValueError("content must be a string, a list of content parts, or null")
        return value


class StreamOptions(BaseModel):
    """`stream_options`; only `include_usage` has an effect."""

    model_config = _IGNORE_EXTRA
    include_usage: StrictBool = False


class ArenaOptions(BaseModel):
    """The `arena` extension field: a battle mode asked for beside `model` (matchup_id)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["direct", "side-by-side", "battle"]
    model_b: str | None = Field(default=None, min_length=1, max_length=MAX_MODEL_NAME)


class ChatCompletionRequest(BaseModel):
    """A `POST /v1/chat/completions` body.

    Scalars are strict, as OpenAI's API is: `"stream": "yes"` or `"n": "2"` is a 400, not
    a guess.
    """

    model_config = _IGNORE_EXTRA
    model: str = Field(min_length=1, max_length=MAX_MODEL_NAME)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2, strict=True)
    top_p: float | None = Field(default=None, ge=0, le=1, strict=True)
    max_tokens: StrictInt | None = Field(default=None, ge=1)
    max_completion_tokens: StrictInt | None = Field(default=None, ge=1)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2, strict=True)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2, strict=True)
    stop: str | list[str] | None = None
    seed: StrictInt | None = None
    user: str | None = None
    response_format: dict[str, Any] | None = None
    n: StrictInt | None = Field(default=None, ge=1)
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    functions: list[dict[str, Any]] | None = None
    function_call: str | dict[str, Any] | None = None
    logprobs: StrictBool | None = None
    top_logprobs: StrictInt | None = Field(default=None, ge=0, le=20)
    arena: ArenaOptions | None = None  # extension: a battle mode (README "Battle modes")

    @property
    def include_usage(self) -> bool:
        """True when a streamed response should end with a usage chunk."""
        return self.stream_options is not None and self.stream_options.include_usage


def validate_request(raw: object) -> ChatCompletionRequest:
    """Validate a decoded JSON body; every problem becomes a BadRequest naming the field."""
    if not isinstance(raw, dict):
        raise BadRequest("The request body must be a JSON object.")
    try:
        request = ChatCompletionRequest.model_validate(raw)
    except ValidationError as exc:
        raise _to_bad_request(exc) from None
    _reject_unsupported(request)
    return request


def _reject_unsupported(request: ChatCompletionRequest) -> None:
    if request.n is not None and request.n > 1:
        raise BadRequest("n > 1 is not supported: the bridge returns one choice.", param="n")
    if request.functions:
        raise BadRequest(
            "The legacy 'functions' field is not supported; use 'tools'.", param="functions"
        )
    if request.logprobs:
        raise BadRequest("logprobs are not available from the upstream site.", param="logprobs")
    for index, message in enumerate(request.messages):
        if message.role == "function":
            raise BadRequest(
                f"messages[{index}] has the legacy role 'function'; use role 'tool'.",
                param="messages",
            )


# Location parts pydantic adds for union branches ("str", "list[...]", ...), not fields.
_BRANCH = re.compile(r"^(str|int|float|bool|list|dict|none)$|[\[\-]")


def _param(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as `messages[0].content[1].text`."""
    out = ""
    previous: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _BRANCH.search(part) and part != previous:
            # A tagged union repeats the tag before the field ("text", "text"): keep one.
            out += f".{part}" if out else part
        previous = part
    return out


def _to_bad_request(exc: ValidationError) -> BadRequest:
    # The deepest error is the most specific one when a union reports every branch.
    error = max(exc.errors(include_url=False), key=lambda e: len(e["loc"]))
    param = _param(error["loc"])
    if error["type"] == "missing":
        return BadRequest(f"Missing required parameter: '{param}'.", param=param)
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        message = "each content part needs a 'type' of 'text' or 'image_url'"
    else:
        message = error["msg"].removeprefix("Value error, ")
    where = f"Invalid value for '{param}'" if param else "Invalid request"
    return BadRequest(f"{where}: {message.rstrip('.')}.", param=param or None)

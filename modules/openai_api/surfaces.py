"""How each API surface writes a streamed answer: (SSE event name or None, JSON) payloads.

Chat completions and legacy completions send bare `data:` lines and end with `[DONE]`;
the Responses API and Anthropic Messages name each event. While a request waits, the
stream sends keep-alives: SSE comments, or the surface's own event (Messages: `ping`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from modules.errors import BridgeError
from modules.openai_api.answer_shaper import Piece
from modules.openai_api.anthropic_stream import MessageEvents
from modules.openai_api.chat_output import ChatChunks
from modules.openai_api.errors import error_reply
from modules.openai_api.legacy_completions import text_chunk
from modules.openai_api.responses_events import ResponseBuilder, responses_usage
from modules.openai_api.shaped_answer import Output, ShapedAnswer

Payload = tuple[str | None, dict[str, Any]]


class Surface(Protocol):
    """How one API surface writes a streamed answer."""

    done_marker: bool  # end with `data: [DONE]`

    def keepalive(self) -> Payload | None: ...  # None: an SSE comment
    def opening(self) -> list[Payload]: ...
    def chunks(self, output: Output) -> list[Payload]: ...
    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]: ...
    def failure(self, err: BridgeError) -> list[Payload]: ...


def _data(items: list[dict[str, Any]]) -> list[Payload]:
    return [(None, item) for item in items]


class _CommentKeepalive:
    """Keep-alives are SSE comments (every client's SSE reader skips them)."""

    def keepalive(self) -> Payload | None:
        return None


class ChatSurface(_CommentKeepalive):
    """`chat.completion.chunk` payloads."""

    done_marker = True

    def __init__(self, chunks: ChatChunks) -> None:
        self._chunks = chunks

    def opening(self) -> list[Payload]:
        return _data(self._chunks.opening())

    def chunks(self, output: Output) -> list[Payload]:
        return _data(self._chunks.chunks(output))

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]:
        return _data(self._chunks.closing(answer, usage))

    def failure(self, err: BridgeError) -> list[Payload]:
        return [(None, error_reply(err).body)]


class CompletionsSurface(_CommentKeepalive):
    """Legacy `text_completion` chunks (text only; reasoning is not part of this API)."""

    done_marker = True

    def __init__(self, model: str, completion_id: str, echo: str = "") -> None:
        self._model = model
        self._id = completion_id
        self._echo = echo

    def opening(self) -> list[Payload]:
        return [(None, text_chunk(self._model, self._echo, None, self._id))] if self._echo else []

    def chunks(self, output: Output) -> list[Payload]:
        if not isinstance(output, Piece) or output.kind != "text":
            return []
        return [(None, text_chunk(self._model, output.text, None, self._id))]

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]:
        return [(None, text_chunk(self._model, "", answer.finish_reason, self._id))]

    def failure(self, err: BridgeError) -> list[Payload]:
        return [(None, error_reply(err).body)]


class ResponsesSurface(_CommentKeepalive):
    """Responses API events (`response.created` … `response.completed`)."""

    done_marker = False

    def __init__(self, builder: ResponseBuilder) -> None:
        self.builder = builder

    def opening(self) -> list[Payload]:
        return self._named(self.builder.start())

    def chunks(self, output: Output) -> list[Payload]:
        if not isinstance(output, Piece):
            return []  # citations and the battle extension have no Responses events here
        if output.kind == "reasoning":
            return self._named(self.builder.reasoning(output.text))
        return self._named(self.builder.text(output.text))

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]:
        reasoning = answer.reasoning_text
        tokens = responses_usage(
            usage["prompt_tokens"], usage["completion_tokens"], len(reasoning) // 4
        )
        incomplete = "max_output_tokens" if answer.finish_reason == "length" else None
        return self._named(self.builder.finish(answer.calls, tokens, incomplete))

    def failure(self, err: BridgeError) -> list[Payload]:
        return self._named(self.builder.fail(error_reply(err).body["error"]))

    @staticmethod
    def _named(events: list[dict[str, Any]]) -> list[Payload]:
        return [(event["type"], event) for event in events]


class MessagesSurface:
    """Anthropic Messages events, sent as the answer streams."""

    done_marker = False

    def __init__(self, events: MessageEvents, usage: Callable[[], dict[str, int]]) -> None:
        self._events = events
        self._usage = usage  # the prompt's size is known once it was sent

    def keepalive(self) -> Payload | None:
        return self._events.ping()

    def opening(self) -> list[Payload]:
        return [*self._events.start(self._usage()["prompt_tokens"])]

    def chunks(self, output: Output) -> list[Payload]:
        if not isinstance(output, Piece):
            return []  # citations and the battle extension have no Messages events here
        if output.kind == "reasoning":
            return [*self._events.thinking(output.text)]
        return [*self._events.text(output.text)]

    def closing(self, answer: ShapedAnswer, usage: dict[str, int]) -> list[Payload]:
        tokens = usage["completion_tokens"]
        finish = self._events.finish(
            answer.calls, answer.finish_reason, tokens, answer.stop_sequence
        )
        return [*finish]

    def failure(self, err: BridgeError) -> list[Payload]:
        body = error_reply(err).body["error"]
        return [self._events.error(body["type"], body["message"])]

"""The Responses API output: the `response` object and its stream events, in OpenAI's order.

    response.created, response.in_progress,
    [reasoning item: output_item.added, reasoning_summary_part.added,
     reasoning_summary_text.delta…, reasoning_summary_text.done,
     reasoning_summary_part.done, output_item.done]
    [message item: output_item.added, content_part.added, output_text.delta…,
     output_text.done, content_part.done, output_item.done]
    [per function call: output_item.added, function_call_arguments.delta,
     function_call_arguments.done, output_item.done]
    response.completed (or response.incomplete after a max_output_tokens cut)

A non-stream request runs the same builder and returns `response`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from modules.openai_api.ids import new_id
from modules.openai_api.tool_parse import ToolCall

Event = dict[str, Any]
_ECHOED = ("instructions", "max_output_tokens", "metadata", "previous_response_id")
_ECHOED_OR = {"parallel_tool_calls": True, "temperature": 1.0, "top_p": 1.0, "tool_choice": "auto"}


class ResponseBuilder:
    """Builds one response: feed reasoning and text deltas, then finish with the calls."""

    def __init__(
        self, request: dict[str, Any], response_id: str | None = None, created_at: int | None = None
    ) -> None:
        self.response = _envelope(request, response_id or new_id("resp_", 24), created_at)
        self._seq = 0
        self._reasoning: dict[str, Any] | None = None
        self._message: dict[str, Any] | None = None

    def start(self) -> list[Event]:
        """The opening events."""
        return [self._event("response.created"), self._event("response.in_progress")]

    def reasoning(self, delta: str) -> list[Event]:
        """Events for a piece of reasoning (opens the reasoning item on the first one)."""
        events: list[Event] = []
        if self._reasoning is None:
            item: dict[str, Any] = {"id": new_id("rs_"), "type": "reasoning", "summary": []}
            self._reasoning = item
            events += self._added(item)
            events.append(self._part_event("response.reasoning_summary_part.added", ""))
        self._reasoning["_text"] = str(self._reasoning.get("_text", "")) + delta
        events.append(
            self._at(
                self._reasoning,
                "response.reasoning_summary_text.delta",
                summary_index=0,
                delta=delta,
            )
        )
        return events

    def text(self, delta: str) -> list[Event]:
        """Events for a piece of answer text (opens the message item on the first one)."""
        events = self._close_reasoning()
        if self._message is None:
            item = {"id": new_id("msg_"), "type": "message", "status": "in_progress"}
            self._message = {**item, "role": "assistant", "content": []}
            events += self._added(self._message)
            part = {"type": "output_text", "text": "", "annotations": []}
            events.append(self._at(self._message, "response.content_part.added", part=part))
            self._message["_text"] = ""
        self._message["_text"] += delta
        events.append(
            self._at(self._message, "response.output_text.delta", delta=delta, logprobs=[])
        )
        return events

    def finish(
        self, calls: Sequence[ToolCall], usage: dict[str, Any], incomplete: str | None = None
    ) -> list[Event]:
        """Close open items, add the function calls, and end the response."""
        events = self._close_reasoning() + self._close_message()
        for call in calls:
            events += self._call(call)
        self.response["usage"] = usage
        if incomplete is not None:
            self.response["status"] = "incomplete"
            self.response["incomplete_details"] = {"reason": incomplete}
            return events + [self._event("response.incomplete")]
        self.response["status"] = "completed"
        return events + [self._event("response.completed")]

    def fail(self, error: dict[str, Any]) -> list[Event]:
        """End the response as failed with an OpenAI error object (`code`, `message`)."""
        self.response["status"] = "failed"
        self.response["error"] = {
            "code": error.get("code") or error.get("type"),
            "message": error["message"],
        }
        return [self._event("response.failed")]

    def _close_reasoning(self) -> list[Event]:
        item, self._reasoning = self._reasoning, None
        if item is None:
            return []
        text = item.pop("_text")
        item["summary"] = [{"type": "summary_text", "text": text}]
        return [
            self._at(item, "response.reasoning_summary_text.done", summary_index=0, text=text),
            self._part_event("response.reasoning_summary_part.done", text, item),
            *self._done(item),
        ]

    def _close_message(self) -> list[Event]:
        item, self._message = self._message, None
        if item is None:
            return []
        text = item.pop("_text")
        part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
        item["content"] = [part]
        item["status"] = "completed"
        return [
            self._at(item, "response.output_text.done", text=text, logprobs=[]),
            self._at(item, "response.content_part.done", part=part),
            *self._done(item),
        ]

    def _call(self, call: ToolCall) -> list[Event]:
        item = {
            "id": new_id("fc_"),
            "type": "function_call",
            "status": "in_progress",
            "call_id": call.id,
            "name": call.name,
            "arguments": "",
        }
        events = self._added(item)
        events.append(
            self._at(item, "response.function_call_arguments.delta", delta=call.arguments)
        )
        item["arguments"] = call.arguments
        item["status"] = "completed"
        done = self._at(
            item, "response.function_call_arguments.done", name=call.name, arguments=call.arguments
        )
        return [*events, done, *self._done(item)]

    def _added(self, item: dict[str, Any]) -> list[Event]:
        self.response["output"].append(item)
        return [self._item_event("response.output_item.added", item)]

    def _done(self, item: dict[str, Any]) -> list[Event]:
        return [self._item_event("response.output_item.done", item)]

    def _item_event(self, kind: str, item: dict[str, Any]) -> Event:
        index = self.response["output"].index(item)
        visible = {k: v for k, v in item.items() if not k.startswith("_")}
        return self._event(kind, output_index=index, item=dict(visible))

    def _part_event(self, kind: str, text: str, item: dict[str, Any] | None = None) -> Event:
        part = {"type": "summary_text", "text": text}
        target = item if item is not None else self._reasoning
        assert target is not None
        return self._at(target, kind, summary_index=0, part=part)

    def _at(self, item: dict[str, Any], kind: str, **fields: Any) -> Event:
        where = {"item_id": item["id"], "output_index": self.response["output"].index(item)}
        if item["type"] == "message":
            where["content_index"] = 0
        return self._event(kind, **where, **fields)

    def _event(self, kind: str, **fields: Any) -> Event:
        self._seq += 1
        if kind.startswith("response.") and kind.count(".") == 1:
            fields["response"] = _public(self.response)
        return {"type": kind, "sequence_number": self._seq - 1, **fields}


def _public(response: dict[str, Any]) -> dict[str, Any]:
    output = [
        {k: v for k, v in item.items() if not k.startswith("_")} for item in response["output"]
    ]
    return {**response, "output": output}


def _envelope(request: dict[str, Any], response_id: str, created_at: int | None) -> dict[str, Any]:
    fmt = (request.get("text") or {}).get("format") or {"type": "text"}
    response: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()) if created_at is None else created_at,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "model": request.get("model", ""),
        "output": [],
        "reasoning": {"effort": None, "summary": None, **(request.get("reasoning") or {})},
        "store": request.get("store", True) is not False,
        "text": {"format": fmt},
        "tools": request.get("tools") or [],
        "truncation": "disabled",
        "usage": None,
        "user": request.get("user"),
    }
    response.update({k: request.get(k) for k in _ECHOED})
    response.update({k: request.get(k, default) for k, default in _ECHOED_OR.items()})
    response["metadata"] = response["metadata"] or {}
    return response


def responses_usage(input_tokens: int, output_tokens: int, reasoning_tokens: int) -> dict[str, Any]:
    """Usage in the Responses shape (estimated tokens, like the chat usage)."""
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    }

"""Which reply logic each model uses: public name → reply function; the rest echo.

To add a model with its own behaviour: write its reply function in a module of its own
(taking a `ReplyInput`, returning the text), add its row to `catalog._ROWS`, and add one
line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .agent_replies import agent_reply, json_reply
from .replies import ReplyFunction, ReplyInput, echo

REPLY_FUNCTIONS: Mapping[str, ReplyFunction] = MappingProxyType(
    {
        "local-agent": lambda r: agent_reply(r.conversation or r.text, r.text),
        "local-json": lambda r: json_reply(r.conversation or r.text, r.text),
    }
)


def reply_text(reply: ReplyInput) -> str:
    """The full reply text of `reply.model` to this turn."""
    return REPLY_FUNCTIONS.get(reply.model, echo)(reply)

"""Deterministic replies, so tests can compute exactly what a client must receive."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

# A word with the whitespace after it; a leading run of whitespace sticks to the first word.
_TOKEN = re.compile(r"\s*\S+\s*|\s+")


@dataclass(frozen=True)
class ReplyInput:
    """What a model's reply may depend on: this turn and the evaluation's earlier turns."""

    model: str  # public name
    text: str  # this turn's user text
    earlier: tuple[str, ...] = ()  # earlier user texts of the same evaluation, oldest first
    attachments: int = 0  # files attached to this turn
    # Every message of the chat so far, this turn last, as text joined by blank lines
    # (2025: from the body's messages[]; 2026: the turns and replies the site kept).
    conversation: str = ""


# A model's reply logic; reply_registry maps public names to one of these.
ReplyFunction = Callable[[ReplyInput], str]


def expected_reply(model_public_name: str, last_user_text: str, earlier: int = 0) -> str:
    """The text (`a0:` deltas joined) the echo models stream for this turn.

    `earlier` is how many turns the evaluation had before this one (server-side history,
    2026 protocol); a first turn reads exactly "Echo from <model>: <text>".
    """
    if not last_user_text.strip():
        return f"Hello from {model_public_name}! Send me some text and I will echo it."
    if earlier:
        turn = f"turn {earlier + 1}, {earlier} earlier"
        return f"Echo from {model_public_name} ({turn}): {last_user_text}"
    return f"Echo from {model_public_name}: {last_user_text}"


def echo(reply: ReplyInput) -> str:
    """The default reply logic: echo the text, saying how many earlier turns were seen."""
    return expected_reply(reply.model, reply.text, len(reply.earlier))


def expected_reasoning(model_public_name: str, last_user_text: str) -> str:
    """The reasoning (`ag:` deltas joined) a reasoning model streams before its reply."""
    words = len(last_user_text.split())
    return f"{model_public_name} is thinking about a message of {words} words."


def image_name(last_user_text: str) -> str:
    """File name of the image an image model 'generates' for this text."""
    return hashlib.sha256(last_user_text.encode()).hexdigest()[:16] + ".png"


def citations(last_user_text: str) -> dict[str, object]:
    """The `ac:` payload a search model streams: sources derived from the text."""
    digest = hashlib.sha256(last_user_text.encode()).hexdigest()[:8]
    return {
        "sources": [
            {"url": f"https://example.com/search/{digest}/{n}", "title": f"Local source {n}"}
            for n in (1, 2)
        ]
    }


def tokenize(text: str) -> list[str]:
    """Split into stream tokens (words with trailing whitespace); "".join(tokens) == text."""
    return _TOKEN.findall(text)

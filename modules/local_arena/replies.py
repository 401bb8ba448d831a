"""Deterministic replies, so tests can compute exactly what a client must receive."""

from __future__ import annotations

import hashlib
import re

# A word with the whitespace after it; a leading run of whitespace sticks to the first word.
_TOKEN = re.compile(r"\s*\S+\s*|\s+")


def expected_reply(model_public_name: str, last_user_text: str) -> str:
    """The text (`a0:` deltas joined) the arena streams for this model and last user text."""
    if not last_user_text.strip():
        return f"Hello from {model_public_name}! Send me some text and I will echo it."
    return f"Echo from {model_public_name}: {last_user_text}"


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

"""A conversation as the one message a new chat carries, and its images as files; pure.

With `compose` the site keeps the history of a chat, so a new chat gets the whole OpenAI
history in its first message: each turn as `System:` / `User:` / `Assistant:` followed by
its text, turns separated by a blank line. A lone user message goes as it is.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from urllib.parse import unquote_to_bytes

from modules.errors import BadRequest
from modules.upstream.body import Attachment, ChatTurn

LABELS = {"system": "System", "user": "User", "assistant": "Assistant"}


def render_transcript(turns: Sequence[ChatTurn]) -> str:
    """The text of the one message that starts a new chat with this history."""
    if len(turns) == 1 and turns[0].role == "user":
        return turns[0].text
    return "\n\n".join(f"{LABELS[t.role]}: {t.text}".rstrip() for t in turns)


def transcript_images(turns: Sequence[ChatTurn]) -> list[Attachment]:
    """Every image of the history, in order (a new chat attaches them all)."""
    return [a for turn in turns for a in turn.attachments]


def attachment_bytes(attachment: Attachment) -> bytes:
    """The file behind a data: URI (a page's file input takes files, not URLs)."""
    url = attachment.url
    head, comma, payload = url.partition(",")
    if not head[:5].lower() == "data:" or not comma:
        raise BadRequest(
            "With the compose transport images are attached as files: send them as data: URIs.",
            param="messages",
        )
    if head.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            raise BadRequest("Malformed base64 in an image data: URI.", param="messages") from None
    return unquote_to_bytes(payload)

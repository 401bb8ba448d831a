"""Turns an OpenAI request into upstream chat turns (full history, SPEC §4)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from modules.errors import BadRequest
from modules.openai_api.schema import ChatCompletionRequest, ChatMessage, ImagePart
from modules.upstream.body import Attachment, ChatTurn, Role
from modules.upstream.models import ArenaModel

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}
_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<params>(;[^,;]*)*),", re.IGNORECASE)
_EXTENSIONS = {"jpeg": "jpg", "svg+xml": "svg"}


def to_chat_turns(
    req: ChatCompletionRequest, model: ArenaModel, *, url_allowlist: Sequence[str] = ()
) -> list[ChatTurn]:
    """Convert every message; images become attachments, the last turn must be the user's."""
    if req.messages[-1].role != "user":
        raise BadRequest("The last message must have role 'user'.", param="messages")
    turns: list[ChatTurn] = []
    image_count = 0
    for index, message in enumerate(req.messages):
        role = _ROLES.get(message.role)
        if role is None:
            raise BadRequest(f"messages[{index}] has unsupported role.", param="messages")
        attachments = []
        for part in _image_parts(message):
            image_count += 1
            attachments.append(_attachment(part.image_url.url, image_count, url_allowlist))
        _check_images(model, index, len(attachments))
        turns.append(ChatTurn(role, message.text, tuple(attachments)))
    return turns


def _image_parts(message: ChatMessage) -> list[ImagePart]:
    if not isinstance(message.content, list):
        return []
    return [p for p in message.content if isinstance(p, ImagePart)]


def _check_images(model: ArenaModel, index: int, count: int) -> None:
    if count and not model.accepts_images:
        raise BadRequest(
            f"Model '{model.public_name}' does not accept images (messages[{index}]).",
            param="messages",
        )
    if count > 1 and not model.accepts_multiple_images:
        raise BadRequest(
            f"Model '{model.public_name}' accepts one image per message; "
            f"messages[{index}] has {count}.",
            param="messages",
        )


def _attachment(url: str, number: int, allowlist: Sequence[str]) -> Attachment:
    if url[:5].lower() == "data:":
        content_type = _data_uri_type(url)
    elif urlsplit(url).scheme.lower() in ("http", "https"):
        if not any(_under_prefix(url, prefix) for prefix in allowlist if prefix):
            raise BadRequest(
                "Remote image URLs are not allowed; send the image as a data: URI.",
                param="messages",
            )
        content_type = _guess_image_type(url)
    else:
        raise BadRequest("image_url must be a data: URI or an http(s) URL.", param="messages")
    return Attachment(f"image-{number}.{_extension(content_type)}", content_type, url)


def _under_prefix(url: str, prefix: str) -> bool:
    """Same scheme and host:port, and a path inside the prefix's path (not a look-alike
    host such as https://ok.com.evil.net for the prefix https://ok.com)."""
    u, p = urlsplit(url), urlsplit(prefix)
    if (u.scheme.lower(), u.netloc.lower()) != (p.scheme.lower(), p.netloc.lower()):
        return False
    base = p.path if p.path.endswith("/") or not p.path else p.path + "/"
    return u.path == p.path or u.path.startswith(base) or not p.path or p.path == "/"


def _guess_image_type(url: str) -> str:
    # The site needs a content type; take it from the path as a browser upload would.
    guessed = mimetypes.guess_type(urlsplit(url).path)[0] or ""
    return guessed if guessed.startswith("image/") else "image/png"


def _data_uri_type(url: str) -> str:
    match = _DATA_URI.match(url)
    if match is None or not url[match.end() :]:
        raise BadRequest("Malformed data: URI in image_url.", param="messages")
    content_type = match.group("type").lower()
    if not content_type.startswith("image/"):
        raise BadRequest(
            f"image_url data URI has type '{content_type}', not an image.", param="messages"
        )
    return content_type


def _extension(content_type: str) -> str:
    subtype = content_type.partition("/")[2] or "bin"
    return _EXTENSIONS.get(subtype, subtype)

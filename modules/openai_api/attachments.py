"""Image parts -> upstream attachments: data: URIs within size caps, remote URLs only under
an allow-listed prefix (compared after normalising the path as a browser would)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from modules.config import ArenaConfig
from modules.errors import BadRequest, PayloadTooLarge
from modules.upstream.body import Attachment
from modules.util.clip import quoted

_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)(?P<params>(;[^,;]*)*),", re.IGNORECASE)
_EXTENSIONS = {"jpeg": "jpg", "svg+xml": "svg"}
_MB = 1_048_576


@dataclass(frozen=True, slots=True)
class ImagePolicy:
    """What a request may attach: remote prefixes, and inline bytes per image and in all."""

    url_allowlist: Sequence[str] = ()
    max_image_bytes: int = 4 * _MB
    max_total_bytes: int = 8 * _MB


def image_policy(arena: ArenaConfig) -> ImagePolicy:
    """The policy the `arena.*` keys describe."""
    return ImagePolicy(
        tuple(arena.attachment_url_allowlist),
        int(arena.max_image_mb * _MB),
        int(arena.max_images_mb * _MB),
    )


class ImageBudget:
    """Turns one request's image URLs into attachments, counting inline bytes."""

    def __init__(self, policy: ImagePolicy) -> None:
        self.policy = policy
        self.count = 0
        self.inline_bytes = 0

    def attach(self, url: str) -> Attachment:
        self.count += 1
        if url[:5].lower() == "data:":
            content_type = self._inline(url)
        elif urlsplit(url).scheme.lower() in ("http", "https"):
            if not any(under_prefix(url, p) for p in self.policy.url_allowlist if p):
                raise BadRequest(
                    "Remote image URLs are not allowed; send the image as a data: URI.",
                    param="messages",
                )
            content_type = _guess_image_type(url)
        else:
            raise BadRequest("image_url must be a data: URI or an http(s) URL.", param="messages")
        return Attachment(f"image-{self.count}.{_extension(content_type)}", content_type, url)

    def _inline(self, url: str) -> str:
        content_type, size = _data_uri(url)
        if size > self.policy.max_image_bytes:
            raise PayloadTooLarge(
                f"Image {self.count} is larger than {self.policy.max_image_bytes / _MB:g} MB "
                "(arena.max_image_mb).",
                param="messages",
                code="image_too_large",
            )
        self.inline_bytes += size
        if self.inline_bytes > self.policy.max_total_bytes:
            raise PayloadTooLarge(
                f"The images of this request add up to more than "
                f"{self.policy.max_total_bytes / _MB:g} MB (arena.max_images_mb).",
                param="messages",
                code="images_too_large",
            )
        return content_type


def _data_uri(url: str) -> tuple[str, int]:
    """Content type and (decoded) size of a data: URI image."""
    match = _DATA_URI.match(url)
    if match is None or not url[match.end() :]:
        raise BadRequest("Malformed data: URI in image_url.", param="messages")
    content_type = match.group("type").lower()
    if not content_type.startswith("image/"):
        raise BadRequest(
            f"image_url data URI has type {quoted(content_type)}, not an image.", param="messages"
        )
    payload = len(url) - match.end()
    is_base64 = ";base64" in match.group("params").lower()
    return content_type, payload * 3 // 4 if is_base64 else payload


def normalised_path(path: str) -> str | None:
    """The path as a server would read it (percent-decoded, also twice); None when it has
    `.`/`..` segments (as such or encoded) or backslashes, which could leave a prefix."""
    decoded = path or "/"
    for _ in range(3):  # double encoding (%252e) decodes again on some servers
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            break
    if "\\" in decoded or "\x00" in decoded:
        return None
    if any(segment in (".", "..") for segment in decoded.split("/")):
        return None
    return decoded


def under_prefix(url: str, prefix: str) -> bool:
    """Same scheme and host:port, and a normalised path inside the prefix's path (not a
    look-alike host such as https://ok.com.evil.net, nor /public/../private)."""
    u, p = urlsplit(url), urlsplit(prefix)
    if (u.scheme.lower(), u.netloc.lower()) != (p.scheme.lower(), p.netloc.lower()):
        return False
    path, allowed = normalised_path(u.path), unquote(p.path)
    if path is None:
        return False
    if not allowed or allowed == "/":
        return True
    base = allowed if allowed.endswith("/") else allowed + "/"
    return path == allowed or path.startswith(base)


def _guess_image_type(url: str) -> str:
    # The site needs a content type; take it from the path as a browser upload would.
    guessed = mimetypes.guess_type(urlsplit(url).path)[0] or ""
    return guessed if guessed.startswith("image/") else "image/png"


def _extension(content_type: str) -> str:
    subtype = content_type.partition("/")[2] or "bin"
    return _EXTENSIONS.get(subtype, subtype)

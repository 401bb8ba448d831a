"""Making values safe to log or show: URLs lose credentials, query and fragment; secrets go."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

_MIN_SECRET = 3  # shorter values would mask ordinary words


def redact_url(url: str) -> str:
    """The URL without credentials, query or fragment (they may hold tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


_URL = re.compile(
    r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\s/'\"<>]*@)?([^\s?#'\"<>]*)(\?[^\s#'\"<>]*)?(#\S*)?"
)


def redact_text(text: str) -> str:
    """Free text (e.g. a driver's error) with every URL's credentials and query removed."""
    return _URL.sub(lambda m: m.group(1) + m.group(3), text)


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` with every known secret (a password, a key) replaced by `***`."""
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted((s for s in secrets if len(s) >= _MIN_SECRET), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class SecretSet:
    """Values to mask wherever text is shown; grows while running (e.g. an added proxy)."""

    def __init__(self, values: Iterable[str | None] = ()) -> None:
        self._values: frozenset[str] = frozenset(v for v in values if v)

    def add(self, value: str | None) -> None:
        if value:
            self._values = self._values | {value}  # swapped whole: safe to read from threads

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)


def redact_all(text: str, secrets: Iterable[str] = ()) -> str:
    """Known secrets masked, then URL credentials and queries removed: safe to show."""
    return redact_text(mask_secrets(text, secrets))

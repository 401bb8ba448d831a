"""Making values safe to log or show: a configured URL shows scheme, host and port only
(credentials, paths and queries may hold secrets: a webhook token, a browser server's
random path); URLs in free text lose credentials and queries; known secrets go."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

_MIN_SECRET = 3  # shorter values would mask ordinary words
HIDDEN_PATH = "/…"


def _path_mark(path: str) -> str:
    return HIDDEN_PATH if path.strip("/") else path


def redact_url(url: str) -> str:
    """scheme://host:port, plus "/…" where a path was; never raises."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return "<unparseable url>"
    # netloc minus credentials, as written: .port would raise on :99999.
    host_port = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host_port}{_path_mark(parts.path)}"


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

"""Making values safe to log or show: URLs lose credentials, query and fragment."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


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

"""Arena models as the home page lists them, and the JSON cache of that list."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.upstream import protocol


@dataclass(frozen=True, slots=True)
class ArenaModel:
    """One model from the page's `initialModels` array."""

    id: str
    public_name: str
    organization: str = ""
    provider: str = ""
    input_capabilities: dict[str, Any] = field(default_factory=dict, hash=False)
    output_capabilities: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def modality(self) -> str:
        """The request `modality` this model needs (image, search or chat)."""
        if self.output_capabilities.get("image"):
            return protocol.MODALITY_IMAGE
        if self.output_capabilities.get("search"):
            return protocol.MODALITY_SEARCH
        return protocol.MODALITY_CHAT

    @property
    def is_stealth(self) -> bool:
        """True for unreleased models, which the site lists without an organization."""
        return not self.organization

    @property
    def accepts_images(self) -> bool:
        """True when the model takes image attachments."""
        return bool(self.input_capabilities.get("image"))

    @property
    def accepts_multiple_images(self) -> bool:
        """True when the model takes more than one image per message."""
        image = self.input_capabilities.get("image")
        return isinstance(image, dict) and bool(image.get("multipleImages"))

    @classmethod
    def from_raw(cls, raw: object) -> ArenaModel | None:
        """Build from one upstream entry; None when it lacks an id or publicName."""
        if not isinstance(raw, dict):
            return None
        model_id, name = raw.get("id"), raw.get("publicName")
        if not isinstance(model_id, str) or not model_id or not isinstance(name, str) or not name:
            return None
        caps = raw.get("capabilities")
        caps = caps if isinstance(caps, dict) else {}
        return cls(
            id=model_id,
            public_name=name,
            organization=_str(raw.get("organization")),
            provider=_str(raw.get("provider")),
            input_capabilities=_dict(caps.get("inputCapabilities")),
            output_capabilities=_dict(caps.get("outputCapabilities")),
        )

    def to_raw(self) -> dict[str, Any]:
        """The upstream shape of this model (what `from_raw` reads)."""
        return {
            "id": self.id,
            "publicName": self.public_name,
            "organization": self.organization,
            "provider": self.provider,
            "capabilities": {
                "inputCapabilities": self.input_capabilities,
                "outputCapabilities": self.output_capabilities,
            },
        }


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


# The key's opening quote, escaped 0, 1 or 2 times (\" is 1, \\\" is 2), then the key.
_KEY = re.compile(r'(\\*)"' + re.escape(protocol.INITIAL_MODELS_KEY) + r'\\*"\s*:\s*\[')
_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u([0-9a-fA-F]{4})|(.))",
    re.DOTALL,
)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_LEVEL_BY_BACKSLASHES = {0: 0, 1: 1, 3: 2}


def _unescape_once(text: str) -> str:
    """Undo one level of JSON/JS string escaping, leniently (text may run past the string)."""

    def replace(m: re.Match[str]) -> str:
        high, low, single, other = m.groups()
        if high is not None:
            code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
            return chr(code)
        if single is not None:
            return chr(int(single, 16))
        return _SIMPLE.get(other, other)

    return _ESCAPE.sub(replace, text)


def parse_initial_models(html: str) -> list[ArenaModel]:
    """Find `initialModels` in page HTML (plain, or escaped once or twice) and parse it."""
    for match in _KEY.finditer(html):
        level = _LEVEL_BY_BACKSLASHES.get(len(match.group(1)))
        if level is None:
            continue
        raw = _decode_array(html, match.end() - 1, level)
        if isinstance(raw, list):
            return [m for m in map(ArenaModel.from_raw, raw) if m is not None]
    return []


def _decode_array(html: str, start: int, level: int) -> object:
    """Decode the JSON value at `start`, unescaping a growing window rather than the page."""
    decoder = json.JSONDecoder()
    window = 1 << 16
    while True:
        text = html[start : start + window]
        for _ in range(level):
            text = _unescape_once(text)
        try:
            # raw_decode matches brackets for us, brackets inside strings included,
            # and ignores whatever follows the array.
            return decoder.raw_decode(text)[0]
        except ValueError:
            if start + window >= len(html):
                return None
            window *= 4


def save_models(path: Path | str, models: list[ArenaModel]) -> None:
    """Write the model list to a JSON cache file (atomically, via a temporary file)."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps([m.to_raw() for m in models], indent=1), encoding="utf-8")
    tmp.replace(target)


def load_models(path: Path | str) -> list[ArenaModel]:
    """Read a model list written by `save_models`."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = raw if isinstance(raw, list) else []
    return [m for m in map(ArenaModel.from_raw, entries) if m is not None]

"""Loading: a JSONC file or a mapping validated into a BridgeConfig, errors naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import json5
from pydantic import ValidationError

from ..errors import ConfigError
from .bridge import BridgeConfig


def _format_error(err: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid configuration"]
    for item in err.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"  {key}: {msg}")
    return "\n".join(lines)


def parse_config(data: dict[str, Any], source: str = "<config>") -> BridgeConfig:
    """Validate a parsed mapping; raise ConfigError naming file and key."""
    try:
        return BridgeConfig.model_validate({**data, "source": source})
    except ValidationError as err:
        raise ConfigError(_format_error(err, source)) from None


def load_config(path: str | Path) -> BridgeConfig:
    """Read a JSONC file; a missing file gives the defaults."""
    p = Path(path)
    if not p.exists():
        return parse_config({}, str(p))
    try:
        data = json5.loads(p.read_text(encoding="utf-8"))
    except ValueError as err:
        raise ConfigError(f"{p}: not valid JSONC: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: the top level must be an object")
    return parse_config(data, str(p))


def with_overrides(config: BridgeConfig, **sections: dict[str, Any]) -> BridgeConfig:
    """Return a copy with some keys replaced, validated again (used by the CLI and tests)."""
    data = config.model_dump()
    for section, values in sections.items():
        data[section] = {**data.get(section, {}), **values}
    return parse_config(data, config.source or "<overrides>")

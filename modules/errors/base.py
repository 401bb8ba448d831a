"""The root of the error tree, the two errors that stop the start, and a walk of the tree."""

from __future__ import annotations

from typing import ClassVar


class BridgeError(Exception):
    """Base of every error the bridge raises on purpose."""

    status: ClassVar[int] = 500
    openai_type: ClassVar[str] = "api_error"
    label: ClassVar[str] = "internal"  # metrics and history
    default_code: ClassVar[str | None] = None

    def __init__(
        self,
        message: str,
        *,
        instance_id: str | None = None,
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.instance_id = instance_id
        self.param = param
        self.code = code or self.default_code
        # Set by the classes that tell the client when to come back (Retry-After).
        self.retry_after_s: float | None = None


class ConfigError(BridgeError):
    """The configuration file is wrong; the message names file and key."""

    label = "config"


class BrowserNotFound(BridgeError):
    """No usable Chromium/Chrome was found; the message says how to install one."""

    label = "no_browser"


def all_error_classes() -> list[type[BridgeError]]:
    """BridgeError and every subclass, depth first (for tests and docs)."""
    out: list[type[BridgeError]] = []
    todo: list[type[BridgeError]] = [BridgeError]
    while todo:
        cls = todo.pop(0)
        out.append(cls)
        todo[:0] = cls.__subclasses__()
    return out

"""A log record made safe and structured: for the console's ring buffer and JSON output.

What is kept: time, level, component, instance id, request id and the message with known
secrets masked and URL credentials and queries removed. A record marked private (its
`extra` has `private=True`, e.g. an opted-in prompt log) never becomes an entry.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal

from ..util.log_context import current_fields
from ..util.redact import SecretSet, redact_all

MAX_MESSAGE_CHARS = 2000
LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_PACKAGE = "modules."
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log line as the console shows it; `seq` orders entries of one buffer."""

    seq: int
    ts: float
    level: str
    component: str
    logger: str
    instance_id: str | None
    request_id: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API, the live feed and downloads."""
        return asdict(self)


def component_of(logger_name: str) -> str:
    """The part of the code a logger belongs to: "modules.pool.pool" -> "pool"."""
    name = logger_name.removeprefix(_PACKAGE)
    return name.split(".", 1)[0] or "root"


PRIVATE = MappingProxyType({"private": True})  # log.info(..., extra=PRIVATE)


def is_private(record: logging.LogRecord) -> bool:
    """True for records that must never leave the process log (prompts)."""
    return bool(getattr(record, "private", False))


@dataclass(frozen=True, slots=True)
class EntryMaker:
    """Turns LogRecords into LogEntries; knows the secrets to mask and how ids look."""

    secrets: SecretSet = field(default_factory=SecretSet)
    instance_pattern: re.Pattern[str] | None = None
    request_pattern: re.Pattern[str] | None = None

    def make(self, record: logging.LogRecord, seq: int = 0) -> LogEntry:
        """The safe entry for `record` (call only for records that are not private)."""
        message = self.safe_text(_message_of(record))
        fields = current_fields()
        return LogEntry(
            seq=seq,
            ts=record.created,
            level=record.levelname,
            component=component_of(record.name),
            logger=record.name,
            instance_id=_field(record, fields, "instance_id", self.instance_pattern, message),
            request_id=_field(record, fields, "request_id", self.request_pattern, message),
            message=message,
        )

    def safe_text(self, text: str) -> str:
        """Secrets masked, URL credentials and queries removed, length capped."""
        safe = redact_all(text, self.secrets)
        if len(safe) > MAX_MESSAGE_CHARS:
            safe = safe[:MAX_MESSAGE_CHARS] + "…"
        return safe


def _message_of(record: logging.LogRecord) -> str:
    message = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        err = record.exc_info[1]
        # The exception's type and text, not the traceback: frames may quote private values.
        message = f"{message}: {type(err).__name__}: {err}"
    return message


def _field(
    record: logging.LogRecord,
    fields: dict[str, str],
    name: str,
    pattern: re.Pattern[str] | None,
    message: str,
) -> str | None:
    """An id from the record's `extra`, else the task's log fields, else the message text."""
    value = getattr(record, name, None) or fields.get(name)
    if value is None and pattern is not None:
        match = pattern.search(message)
        value = match.group(0) if match else None
    return None if value is None else str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (for log shippers), with the same safety as the console."""

    def __init__(self, maker: EntryMaker | None = None) -> None:
        super().__init__()
        self._maker = maker or EntryMaker()

    def format(self, record: logging.LogRecord) -> str:
        entry = self._maker.make(record)
        data = {
            "time": datetime.fromtimestamp(entry.ts, UTC).isoformat(timespec="milliseconds"),
            **{k: v for k, v in entry.to_dict().items() if k not in ("seq", "ts")},
        }
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic one-line format, with secrets masked and URL credentials removed."""

    def __init__(self, secrets: SecretSet) -> None:
        super().__init__(TEXT_FORMAT)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact_all(super().format(record), self._secrets)


def stderr_handler(fmt: Literal["text", "json"], secrets: SecretSet) -> logging.Handler:
    """The process log on stderr: plain text lines, or JSON lines for log shippers."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter(EntryMaker(secrets)))
    else:
        handler.setFormatter(TextFormatter(secrets))
    return handler

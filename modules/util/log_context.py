"""Fields that tag every log line written while a piece of work runs (e.g. a request id).

Set with `log_fields(...)` around the work; a log handler reads them with `current_fields()`.
They live in context variables, so concurrent asyncio tasks each see their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_FIELDS: ContextVar[dict[str, str]] = ContextVar("log_fields", default={})  # noqa: B039 (never mutated)


@contextmanager
def log_fields(**fields: str | None) -> Iterator[None]:
    """Tag log lines written inside the block with `fields` (None values are left out)."""
    token = _FIELDS.set({**_FIELDS.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def tag_task(**fields: str | None) -> None:
    """Tag every later log line of the running task (it ends with the task: one request)."""
    _FIELDS.set({**_FIELDS.get(), **{k: v for k, v in fields.items() if v is not None}})


def current_fields() -> dict[str, str]:
    """The fields in force for the running task or thread (a copy)."""
    return dict(_FIELDS.get())

"""Ids in OpenAI's formats: a type prefix and random hex (`call_…`, `resp_…`, `msg_…`)."""

from __future__ import annotations

import secrets


def new_id(prefix: str, nbytes: int = 12) -> str:
    """A fresh id such as `call_3f9a…`; `prefix` includes its separator."""
    return prefix + secrets.token_hex(nbytes)


def new_call_id() -> str:
    """A tool call id (`call_` + 24 hex digits, as long as OpenAI's)."""
    return new_id("call_")

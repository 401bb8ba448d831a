"""The local arena: a small site speaking LMArena's wire protocol, for tests and the demo.

It follows the site of 2026 (chat page with composer, fake reCAPTCHA, compact body,
server-side history); the `legacy_protocol` knob restores 2025. `LocalArena` runs it
in-process on a free port; `python -m modules.local_arena --port N [--legacy]` runs it
standalone; `expected_reply` says exactly what a client must receive.
"""

from __future__ import annotations

from .app import create_arena_app
from .knobs import Knobs
from .replies import ReplyInput, expected_reasoning, expected_reply, tokenize
from .server import LocalArena
from .sessions import user_id_from_cookies
from .state import ArenaSettings

__all__ = [
    "ArenaSettings",
    "Knobs",
    "LocalArena",
    "ReplyInput",
    "create_arena_app",
    "expected_reasoning",
    "expected_reply",
    "tokenize",
    "user_id_from_cookies",
]

"""The local arena: a small site speaking LMArena's wire protocol, for tests and the demo.

`LocalArena` runs it in-process on a free port; `python -m modules.local_arena --port N`
runs it standalone; `expected_reply` says exactly what a client must receive.
"""

from __future__ import annotations

from .app import create_arena_app
from .knobs import Knobs
from .replies import expected_reasoning, expected_reply, tokenize
from .server import LocalArena
from .sessions import user_id_from_cookies
from .state import ArenaSettings

__all__ = [
    "ArenaSettings",
    "Knobs",
    "LocalArena",
    "create_arena_app",
    "expected_reasoning",
    "expected_reply",
    "tokenize",
    "user_id_from_cookies",
]

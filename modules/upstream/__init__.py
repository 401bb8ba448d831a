"""The LMArena adapter: wire constants, request bodies, stream parsing, model discovery."""

from __future__ import annotations

from modules.upstream.body import (
    Attachment,
    ChatTurn,
    UpstreamCall,
    body_to_text,
    build_create_evaluation,
    build_post_to_evaluation,
)
from modules.upstream.events import (
    Citation,
    ClientEvent,
    Finish,
    ImageOutput,
    MalformedLine,
    ReasoningDelta,
    StreamErrorEvent,
    StreamEvent,
    TextDelta,
)
from modules.upstream.ids import Uuid7Generator, uuid7
from modules.upstream.models import ArenaModel, load_models, parse_initial_models, save_models
from modules.upstream.parser import StreamParser, parse_line

__all__ = [
    "ArenaModel",
    "Attachment",
    "ChatTurn",
    "Citation",
    "ClientEvent",
    "Finish",
    "ImageOutput",
    "MalformedLine",
    "ReasoningDelta",
    "StreamErrorEvent",
    "StreamEvent",
    "StreamParser",
    "TextDelta",
    "UpstreamCall",
    "Uuid7Generator",
    "body_to_text",
    "build_create_evaluation",
    "build_post_to_evaluation",
    "load_models",
    "parse_initial_models",
    "parse_line",
    "save_models",
    "uuid7",
]

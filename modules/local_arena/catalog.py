"""A dozen fictional models in the exact `initialModels` shape the real site embeds."""

from __future__ import annotations

from typing import Any

_TEXT_IN: dict[str, Any] = {"text": True}
_IMAGE_IN: dict[str, Any] = {"text": True, "image": {"multipleImages": True}}
_SINGLE_IMAGE_IN: dict[str, Any] = {"text": True, "image": {"multipleImages": False}}


def _model(
    model_id: str,
    name: str,
    organization: str,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
) -> dict[str, Any]:
    """Build one model object with the field order the real site uses."""
    return {
        "id": model_id,
        "publicName": name,
        "organization": organization,
        "provider": "local" if organization else "hidden",
        "capabilities": {"inputCapabilities": inputs, "outputCapabilities": outputs},
    }


# (name, organization, inputs, outputs); "" organization = private ("stealth") model.
_ROWS: tuple[tuple[str, str, dict[str, Any], dict[str, Any]], ...] = (
    ("local-echo-1", "Local Labs", _TEXT_IN, {"text": True}),
    ("local-echo-mini", "Local Labs", _TEXT_IN, {"text": True}),
    ("local-echo-large", "Local Labs", _IMAGE_IN, {"text": True}),
    ("local-vision", "Pixel Works", _SINGLE_IMAGE_IN, {"text": True}),
    ("local-thinker", "Deep Local", _TEXT_IN, {"text": True}),
    ("local-painter", "Pixel Works", _TEXT_IN, {"image": True}),
    ("local-searcher", "Local Search Co", _TEXT_IN, {"search": True}),
    ("local-stealth", "", _TEXT_IN, {"text": True}),
    ("local-poet", "Verse Inc", _TEXT_IN, {"text": True}),
    ("local-coder", "Deep Local", _TEXT_IN, {"text": True}),
    ("local-translator", "Babel Local", _TEXT_IN, {"text": True}),
    ("local-echo-2", "Local Labs", _IMAGE_IN, {"text": True}),
    ("local-agent", "Agent Works", _TEXT_IN, {"text": True}),  # follows the tool contract
    ("local-json", "Agent Works", _TEXT_IN, {"text": True}),  # answers with schema JSON
)

# Fixed ids (row number in the last group) so cached model lists stay valid across restarts.
MODELS: tuple[dict[str, Any], ...] = tuple(
    _model(f"0199a000-0000-7000-8000-{n:012x}", name, org, inputs, outputs)
    for n, (name, org, inputs, outputs) in enumerate(_ROWS, start=1)
)

# Reasoning is not a capability flag on the real site; the arena knows it by name.
REASONING_MODELS: frozenset[str] = frozenset({"local-thinker"})


def find_model(models: tuple[dict[str, Any], ...], model_id: str) -> dict[str, Any] | None:
    """Return the model with this id, or None."""
    return next((m for m in models if m["id"] == model_id), None)


def output_kind(model: dict[str, Any]) -> str:
    """The model's output capability: "image", "search" or "text"."""
    outputs = model["capabilities"]["outputCapabilities"]
    for kind in ("image", "search"):
        if outputs.get(kind):
            return kind
    return "text"


def accepts_images(model: dict[str, Any]) -> bool:
    """Whether the model takes image attachments."""
    return bool(model["capabilities"]["inputCapabilities"].get("image"))

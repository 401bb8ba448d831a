"""What the GUI may offer, from the registries: strategies, alert kinds and their units."""

from __future__ import annotations

from typing import Any

from ..observability.alert_kinds import ALERT_KINDS
from ..pool.strategies import STRATEGIES


def _summary(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc else ""


def settings_schema() -> dict[str, Any]:
    """GET /api/settings/schema: the GUI builds its choices and formats from this."""
    return {
        "strategies": [
            {"name": name, "description": _summary(cls.__doc__)} for name, cls in STRATEGIES.items()
        ],
        "alert_kinds": [
            {"name": k.name, "unit": k.unit, "description": k.description}
            for k in ALERT_KINDS.values()
        ],
    }

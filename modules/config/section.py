"""What every config section shares: frozen, and a key it does not know is an error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: frozen; an unknown key fails validation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

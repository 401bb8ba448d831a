"""The model list: discovered from the arena page, cached on disk, looked up by public name."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..errors import BadRequest, ModelNotFound
from ..openai_api.matchup_id import parse_model_id
from ..upstream.matchup import Matchup, blind_battle, side_by_side
from ..upstream.models import ArenaModel, load_models, parse_initial_models, save_models
from ..util.clip import clip

log = logging.getLogger(__name__)


class ModelCatalog:
    """Models by public name; the cached copy lets the bridge answer before a page loads."""

    def __init__(self, cache_path: Path | None, *, list_stealth: bool) -> None:
        self._cache_path = cache_path
        self._list_stealth = list_stealth
        self._models: dict[str, ArenaModel] = {}
        self._known = asyncio.Event()
        if cache_path is not None and cache_path.exists():
            try:
                self._set(load_models(cache_path))
                log.info("loaded %d cached models from %s", len(self._models), cache_path)
            except (OSError, ValueError) as err:
                log.warning("ignoring unreadable model cache %s: %s", cache_path, err)

    def _set(self, models: list[ArenaModel]) -> None:
        self._models = {m.public_name: m for m in models if self._list_stealth or not m.is_stealth}
        if self._models:
            self._known.set()

    def update_from_html(self, html: str) -> None:
        """Refresh from a freshly loaded page (every instance load does this)."""
        models = parse_initial_models(html)
        if not models:
            return
        before = set(self._models)
        self._set(models)
        changed = set(self._models) != before
        if changed and self._cache_path is not None:
            try:
                self._cache_path.parent.mkdir(parents=True, exist_ok=True)
                save_models(self._cache_path, models)
            except OSError as err:
                log.warning("cannot write model cache: %s", err)
            log.info("model list: %d models", len(self._models))

    def list(self) -> list[ArenaModel]:
        return sorted(self._models.values(), key=lambda m: m.public_name)

    async def resolve(self, name: str, wait_s: float) -> ArenaModel:
        """The model called `name`; waits briefly for a first page load if none is known."""
        await self._first_list(wait_s)
        model = self._models.get(name)
        if model is None:
            raise unknown_model(name)
        return model

    async def resolve_request(self, name: str, wait_s: float) -> tuple[ArenaModel, Matchup | None]:
        """Model a and the battle mode a request's model id asks for (None: direct chat)."""
        ask = parse_model_id(name)
        if ask is None:
            return await self.resolve(name, wait_s), None
        if not ask.names:
            return blind_battle()
        await self._first_list(wait_s)
        missing = [n for n in ask.names if n not in self._models]
        if missing:
            raise BadRequest(
                f"The model '{missing[0][:100]}' named in the model id does not exist.",
                param="model",
                code="model_not_found",
            )
        a, b = (self._models[n] for n in ask.names)
        if a.modality != b.modality:
            raise BadRequest(
                f"Side-by-side needs two models of one kind: '{a.public_name}' makes "
                f"{a.modality}, '{b.public_name}' makes {b.modality}.",
                param="model",
            )
        return side_by_side(a, b)

    async def _first_list(self, wait_s: float) -> None:
        if not self._known.is_set():
            try:
                async with asyncio.timeout(wait_s):
                    await self._known.wait()
            except TimeoutError:
                pass


def unknown_model(name: str) -> ModelNotFound:
    """The 404 for a model name; a long name is cut, not echoed back whole."""
    return ModelNotFound(f"The model '{clip(name, 100)}' does not exist", param="model")

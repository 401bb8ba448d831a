"""Saved identities on disk: `<profiles_dir>/<name>/state.json` (Playwright storage state),
`profile.json` (what it is; no secrets) and `proxy.json` (the proxy it goes through).

A storage state is a login: files are 0600 in 0700 folders, written atomically (a crash
leaves the old file or the new one, never half of one), and their content is never
logged or returned; callers show `summarise()` of it at most. The proxy is part of the
identity (the site knows it by its address too), so it is saved with it, password
included (0600 like the login; never logged or shown).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from ..config import ProxyConfig
from ..errors import BadRequest

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
META_FILE = "profile.json"
PROXY_FILE = "proxy.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

ProfileKind = Literal["anonymous", "account"]


@dataclass(frozen=True, slots=True)
class ProfileMeta:
    """What a saved identity is; safe to show."""

    name: str
    kind: ProfileKind
    user_id: str | None
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class SavedProxy:
    """The proxy an identity was saved with (None: it went direct)."""

    proxy: ProxyConfig | None


def _proxy_record(proxy: ProxyConfig | None) -> dict[str, Any]:
    if proxy is None:
        return {"proxy": None}
    password = proxy.password.get_secret_value() if proxy.password is not None else None
    return {"proxy": {**proxy.model_dump(exclude={"password"}), "password": password}}


def check_name(name: str) -> str:
    """A profile name is a folder name: letters, digits, '-' and '_', at most 64."""
    if not _NAME.match(name):
        raise BadRequest(
            "name must be 1-64 letters, digits, '-' or '_', starting with a letter or digit",
            param="name",
            code="invalid_name",
        )
    return name


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write JSON readable by the owner only; atomically replace any older file."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)  # an older tmp file may have had wider rights
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class ProfileStore:
    """Storage states of identities, one folder per name."""

    def __init__(self, folder: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.folder = Path(folder)
        self._clock = clock

    def _dir(self, name: str) -> Path:
        return self.folder / check_name(name)

    def _private_dir(self, path: Path) -> None:
        for d in (self.folder, path):
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(d, 0o700)

    def names(self) -> list[str]:
        """Saved profiles, oldest first."""
        metas = [m for m in (self.meta(p.name) for p in self._folders()) if m is not None]
        return [m.name for m in sorted(metas, key=lambda m: (m.created_at, m.name))]

    def _folders(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.folder.iterdir() if p.is_dir() and _NAME.match(p.name)]

    def exists(self, name: str) -> bool:
        return self.meta(name) is not None

    def meta(self, name: str) -> ProfileMeta | None:
        """The profile's description; None when absent or unreadable."""
        path = self._dir(name)
        if not (path / STATE_FILE).is_file():
            return None
        try:
            data = json.loads((path / META_FILE).read_text(encoding="utf-8"))
            return ProfileMeta(**{**data, "name": name})
        except (OSError, ValueError, TypeError) as err:
            log.warning("profile %s: unreadable %s (%s)", name, META_FILE, type(err).__name__)
            return None

    def load_state(self, name: str) -> dict[str, Any] | None:
        """The stored storage state (a secret: pass it to the browser, never to a log)."""
        try:
            data = json.loads((self._dir(name) / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            log.warning("profile %s: unreadable %s (%s)", name, STATE_FILE, type(err).__name__)
            return None
        return data if isinstance(data, dict) else None

    def saved_proxy(self, name: str) -> SavedProxy | None:
        """The proxy the identity was saved with; None when not known (saved before 2026-12)."""
        path = self._dir(name) / PROXY_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))["proxy"]
            return SavedProxy(None if data is None else ProxyConfig.model_validate(data))
        except (OSError, ValueError, TypeError, KeyError) as err:
            log.warning("profile %s: unreadable %s (%s)", name, PROXY_FILE, type(err).__name__)
            return None

    def save(
        self,
        name: str,
        state: dict[str, Any],
        *,
        kind: ProfileKind,
        user_id: str | None,
        proxy: ProxyConfig | None,
    ) -> ProfileMeta:
        """Store (or replace) a profile's storage state, description and proxy."""
        path = self._dir(name)
        old = self.meta(name)
        now = self._clock()
        meta = ProfileMeta(name, kind, user_id, old.created_at if old else now, now)
        self._private_dir(path)
        _write_private(path / PROXY_FILE, _proxy_record(proxy))
        _write_private(path / STATE_FILE, state)
        _write_private(path / META_FILE, {k: v for k, v in asdict(meta).items() if k != "name"})
        return meta

    def delete(self, name: str) -> bool:
        """Remove a profile; True when there was one."""
        path = self._dir(name)
        if not path.exists():
            return False
        shutil.rmtree(path)
        return True

"""The layers of docs/ARCHITECTURE.md hold: imports point downwards, third parties stay put."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "modules"

# Bottom to top; a package may import only packages of a lower rank.
RANK = {
    "util": 0,
    "errors": 1,
    "upstream": 2,
    "config": 3,
    "identity": 4,
    "openai_api": 4,
    "browser": 4,
    "pool": 5,
    "observability": 6,
    "scaling": 6,
    "service": 7,
    "app": 8,
    "http": 9,
}
# The local arena is the upstream's stand-in: it shares the protocol, nothing of the bridge.
ARENA_MAY_IMPORT = {"upstream", "errors", "util"}
# Third-party packages and the only packages allowed to import them.
CONFINED = {
    "playwright": {"browser"},
    "fastapi": {"http", "local_arena"},
    "starlette": {"http", "local_arena"},
    "sse_starlette": {"http", "local_arena"},
    "uvicorn": {"http", "local_arena"},
}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(bridge packages, top-level third-party names) that `path` imports."""
    package = path.relative_to(ROOT).parts[:-1]
    inner: set[str] = set()
    outer: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            names = [".".join(base + ([node.module] if node.module else []))]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "modules":
                inner.add(parts[1] if len(parts) > 1 else "")
            else:
                outer.add(parts[0])
    return inner, outer


def _sources() -> list[Path]:
    return sorted(p for p in MODULES.rglob("*.py") if len(p.relative_to(MODULES).parts) > 1)


def _package(path: Path) -> str:
    return path.relative_to(MODULES).parts[0]


def test_every_package_has_a_place() -> None:
    packages = {_package(p) for p in _sources()}
    assert packages - set(RANK) == {"local_arena"}


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(MODULES)))
def test_imports_point_downwards(path: Path) -> None:
    own = _package(path)
    inner, outer = _imports(path)
    inner.discard(own)
    if own == "local_arena":
        assert inner <= ARENA_MAY_IMPORT, f"the local arena imports {inner - ARENA_MAY_IMPORT}"
    else:
        assert "local_arena" not in inner, "the bridge must not depend on the local arena"
        upward = {p for p in inner if RANK.get(p, -1) >= RANK[own]}
        assert not upward, f"{own} reaches up (or sideways) into {sorted(upward)}"
    for name, allowed in CONFINED.items():
        if name in outer:
            assert own in allowed, f"{name} may be imported only in {sorted(allowed)}"


def test_the_checker_sees_relative_and_absolute_imports() -> None:
    """A guard against a checker that passes because it sees nothing."""
    inner, _ = _imports(MODULES / "pool" / "pool.py")
    assert {"util", "config", "errors"} <= inner
    _, outer = _imports(MODULES / "browser" / "page_session.py")
    assert "playwright" in outer


def test_top_level_scripts_stay_above_the_package() -> None:
    """start.py and api_server.py wire things; the package never imports them."""
    for path in _sources():
        _, outer = _imports(path)
        assert not outer & {"start", "api_server"}, f"{path} imports a top-level script"

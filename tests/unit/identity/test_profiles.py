"""Saved identities: private files, atomic writes, names that stay inside the folder."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from modules.errors import BadRequest
from modules.identity import ProfileStore

STATE = {"cookies": [{"name": "arena-auth-prod-v1", "value": "base64-secret"}], "origins": []}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_and_load_with_owner_only_files(tmp_path: Path) -> None:
    clock = iter([10.0, 20.0]).__next__
    store = ProfileStore(tmp_path / "profiles", clock=clock)
    meta = store.save("alice", STATE, kind="account", user_id="u-1", proxy=None)
    assert (meta.name, meta.kind, meta.user_id, meta.created_at) == ("alice", "account", "u-1", 10)
    assert store.load_state("alice") == STATE
    folder = tmp_path / "profiles" / "alice"
    assert mode(tmp_path / "profiles") == 0o700 and mode(folder) == 0o700
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "state.json": 0o600,
        "profile.json": 0o600,
        "proxy.json": 0o600,
    }
    # The description holds no secret.
    assert "secret" not in (folder / "profile.json").read_text()
    again = store.save(
        "alice",
        {**STATE, "origins": [{"origin": "x", "localStorage": []}]},
        kind="account",
        user_id="u-1",
        proxy=None,
    )
    assert (again.created_at, again.updated_at) == (10, 20)


def test_names_are_listed_oldest_first_and_half_written_folders_ignored(tmp_path: Path) -> None:
    times = iter([3.0, 1.0, 2.0])
    store = ProfileStore(tmp_path, clock=lambda: next(times))
    for name in ("c", "a", "b"):
        store.save(name, STATE, kind="anonymous", user_id=None, proxy=None)
    (tmp_path / "stray").mkdir()
    (tmp_path / "stray" / "state.json").write_text("{}")  # no profile.json: not a profile
    assert store.names() == ["a", "b", "c"]
    assert store.delete("b") and not store.delete("b")
    assert store.names() == ["a", "c"] and not store.exists("b")


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "x" * 65, "a b"])
def test_names_cannot_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(BadRequest) as err:
        ProfileStore(tmp_path).save(name, STATE, kind="account", user_id=None, proxy=None)
    assert err.value.param == "name"
    assert list(tmp_path.iterdir()) == []


def test_a_corrupt_state_file_reads_as_absent(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save("a", STATE, kind="anonymous", user_id="u", proxy=None)
    (tmp_path / "a" / "state.json").write_text("{not json")
    assert store.load_state("a") is None

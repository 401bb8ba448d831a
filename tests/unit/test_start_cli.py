"""start.py: command-line overrides and the refusal to expose an open API."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.errors import BridgeError
from start import build_config, check_exposure, parse_args


def _config(tmp_path: Path, *argv: str):
    path = tmp_path / "config.jsonc"
    path.write_text("{\n  // empty\n}\n")
    return build_config(parse_args(["--config", str(path), *argv]))


def test_flags_override_the_file(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        "--port",
        "6000",
        "--instances",
        "9",
        "--headed",
        "--arena-url",
        "http://127.0.0.1:9/",
    )
    assert config.server.port == 6000
    assert config.pool.initial_instances == 9 and config.pool.max_instances >= 9
    assert config.browser.headless is False
    assert config.arena.url == "http://127.0.0.1:9/"


def test_loopback_is_fine_without_keys(tmp_path: Path) -> None:
    check_exposure(_config(tmp_path))
    check_exposure(_config(tmp_path, "--host", "::1"))


def test_public_bind_without_api_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BridgeError, match="auth.api_keys"):
        check_exposure(_config(tmp_path, "--host", "0.0.0.0"))


def test_public_bind_with_a_key_or_explicit_opt_in_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "keyed.jsonc"
    path.write_text('{"auth": {"api_keys": ["k"]}}')
    check_exposure(build_config(parse_args(["--config", str(path), "--host", "0.0.0.0"])))
    path.write_text('{"server": {"allow_unauthenticated_remote": true}}')
    check_exposure(build_config(parse_args(["--config", str(path), "--host", "0.0.0.0"])))

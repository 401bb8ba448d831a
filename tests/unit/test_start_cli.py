"""start.py: command-line overrides and the refusal to expose an open API."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.config import BridgeConfig
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


def _with(tmp_path: Path, text: str, *args: str) -> BridgeConfig:
    path = tmp_path / "keyed.jsonc"
    path.write_text(text)
    return build_config(parse_args(["--config", str(path), *args]))


def test_public_bind_with_keys_or_explicit_opt_in_is_allowed(tmp_path: Path) -> None:
    keys = '{"auth": {"api_keys": ["k"], "admin_key": "a"}}'
    check_exposure(_with(tmp_path, keys, "--host", "0.0.0.0"))
    opt_in = '{"server": {"allow_unauthenticated_remote": true}, "auth": {"admin_key": "a"}}'
    check_exposure(_with(tmp_path, opt_in, "--host", "0.0.0.0"))


def test_public_bind_without_admin_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BridgeError, match="auth.admin_key"):
        check_exposure(_with(tmp_path, '{"auth": {"api_keys": ["k"]}}', "--host", "0.0.0.0"))
    opt_in = '{"server": {"allow_unauthenticated_remote": true}}'
    with pytest.raises(BridgeError, match="auth.admin_key"):
        check_exposure(_with(tmp_path, opt_in, "--host", "0.0.0.0"))


def test_behind_a_proxy_loopback_counts_for_nothing(tmp_path: Path, caplog) -> None:
    proxied = '{"server": {"behind_proxy": true}, "auth": {"api_keys": ["k"]}}'
    with pytest.raises(BridgeError, match="behind a proxy .*auth.admin_key"):
        check_exposure(_with(tmp_path, proxied))
    with pytest.raises(BridgeError, match="auth.api_keys"):
        check_exposure(_with(tmp_path, '{"server": {"behind_proxy": true}}'))
    both = '{"server": {"behind_proxy": true}, "auth": {"api_keys": ["k"], "admin_key": "a"}}'
    check_exposure(_with(tmp_path, both))
    assert "trusting X-Forwarded-For/-Proto from 127.0.0.1" in caplog.text


def test_the_demo_paces_on_a_small_scale_and_the_real_site_keeps_its_values(
    tmp_path: Path,
) -> None:
    demo = _config(tmp_path, "--demo")
    assert demo.pacing.min_interval_s == 3 and demo.pacing.penalty_s == 15
    real = _config(tmp_path)
    assert real.pacing.min_interval_s == 45 and real.pacing.penalty_s == 1200

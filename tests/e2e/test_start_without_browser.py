"""start.py on a machine without a browser: one clear line saying how to install one, a
non-zero exit, no traceback (a real subprocess: real Playwright, real browser search)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.harness import write_config

ROOT = Path(__file__).resolve().parents[2]
# The system's fixed install paths cannot be hidden by the environment; only they are
# emptied, then start.py runs as from the command line.
NO_SYSTEM_BROWSER = (
    "import sys, start, modules.browser.discovery as d; "
    "d._HEADLESS_CANDIDATES = d._HEADED_CANDIDATES = (); "
    "sys.exit(start.main(sys.argv[1:]))"
)


def _start(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = write_config(tmp_path, {"pool": {"initial_instances": 1}})
    env = {
        **os.environ,
        "PATH": str(tmp_path),  # no chromium, google-chrome or chrome on it
        "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers"),  # Playwright's own build
    }
    command = [sys.executable, "-c", NO_SYSTEM_BROWSER, "--config", str(config), "--port", "0"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_no_browser_anywhere_names_how_to_install_one(tmp_path: Path) -> None:
    done = _start(tmp_path)
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert "No Chromium or Chrome browser was found" in done.stderr
    assert "python -m playwright install chromium" in done.stderr
    assert "browser.executable_path" in done.stderr


def test_a_configured_browser_that_is_missing_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "chrome-nowhere"
    config = write_config(tmp_path, {"browser": {"executable_path": str(missing)}})
    command = [sys.executable, "start.py", "--config", str(config), "--port", "0"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert f"browser.executable_path '{missing}' does not exist" in done.stderr

"""Find a Chromium/Chrome binary: configured path, Playwright's own build, else the system's."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from ..errors import BrowserNotFound

# Debian's /usr/bin/chromium is a shell wrapper; Playwright needs the real binary.
_HEADLESS_CANDIDATES = (
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "/opt/google/chrome/chrome",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/google-chrome",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
)
_HEADED_CANDIDATES = tuple(p for p in _HEADLESS_CANDIDATES if "headless-shell" not in p)

INSTALL_HINT = (
    "No Chromium or Chrome browser was found. Install one of:\n"
    "  - Playwright's build:   python -m playwright install chromium\n"
    "  - Debian/Ubuntu:        apt-get install chromium chromium-headless-shell\n"
    "  - or set browser.executable_path in config.jsonc to a Chrome/Chromium binary."
)


@dataclass(frozen=True, slots=True)
class BrowserBinary:
    """Which browser will run, and where it came from."""

    path: str | None  # None: let Playwright use its own build
    source: str  # "configured" | "playwright" | "system"

    def describe(self) -> str:
        return f"{self.path or 'Playwright Chromium'} ({self.source})"


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_browser(
    *, configured: str | None, playwright_path: str | None, headless: bool
) -> BrowserBinary:
    """Pick the browser binary or raise BrowserNotFound with install instructions."""
    if configured:
        if not _executable(configured):
            raise BrowserNotFound(
                f"browser.executable_path {configured!r} does not exist or is not executable"
            )
        return BrowserBinary(configured, "configured")
    if playwright_path and _executable(playwright_path):
        return BrowserBinary(None, "playwright")
    candidates = _HEADLESS_CANDIDATES if headless else _HEADED_CANDIDATES
    for path in candidates:
        if _executable(path):
            return BrowserBinary(path, "system")
    for name in ("chromium", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found and _executable(found):
            return BrowserBinary(found, "system")
    raise BrowserNotFound(INSTALL_HINT)

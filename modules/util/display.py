"""Whether this machine can show a browser window."""

from __future__ import annotations

import os


def has_display() -> bool:
    """True when an X11 or Wayland display is set for this process."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


NO_DISPLAY = (
    "this machine has no display (DISPLAY is not set). Run the bridge on a desktop, or "
    "with --headed under a display server, then try again."
)

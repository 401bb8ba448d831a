"""Chromium command-line flags: no background networking, the sandbox kept where it can be."""

from __future__ import annotations

import os

# Playwright's own --disable-features list (chromiumSwitches). Chromium keeps only the
# last --disable-features flag and Playwright appends user args after its own, so ours
# must repeat Playwright's list plus the features we add.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
)
# A spare omnibox-popup WebUI process per context costs ~35 MB; nothing here uses it.
OUR_DISABLED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")

BASE_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)


def use_sandbox(wanted: bool, euid: int | None = None) -> bool:
    """Keep Chromium's sandbox unless turned off or running as root (where it cannot work)."""
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else 1
    return wanted and euid != 0


def launch_args(extra: list[str] | tuple[str, ...] = (), *, sandbox: bool = False) -> list[str]:
    """Flags for a launch; user extras last, their --disable-features merged in.

    The page runs the site's third-party scripts, so the sandbox stays on where it can.
    """
    features = list(PLAYWRIGHT_DISABLED_FEATURES) + list(OUR_DISABLED_FEATURES)
    args = [*BASE_ARGS, *(() if sandbox else ("--no-sandbox",))]
    for arg in extra:
        if arg.startswith("--disable-features="):
            features += [f for f in arg.split("=", 1)[1].split(",") if f]
        else:
            args.append(arg)
    unique = list(dict.fromkeys(features))
    args.append("--disable-features=" + ",".join(unique))
    return args

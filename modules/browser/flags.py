"""Chromium command-line flags for running as root on a machine with no network."""

from __future__ import annotations

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
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)


def launch_args(extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Flags for a local launch; user extras last, their --disable-features merged in."""
    features = list(PLAYWRIGHT_DISABLED_FEATURES) + list(OUR_DISABLED_FEATURES)
    args = list(BASE_ARGS)
    for arg in extra:
        if arg.startswith("--disable-features="):
            features += [f for f in arg.split("=", 1)[1].split(",") if f]
        else:
            args.append(arg)
    unique = list(dict.fromkeys(features))
    args.append("--disable-features=" + ",".join(unique))
    return args

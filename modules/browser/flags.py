"""Chromium command-line flags: no background networking, the sandbox kept where it can be."""

from __future__ import annotations

import os

# Playwright's own --disable-features and --enable-features lists (chromiumSwitches).
# Chromium keeps only the last of each flag and Playwright appends user args after its
# own, so ours must repeat Playwright's lists plus the features we add.
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
PLAYWRIGHT_ENABLED_FEATURES = ("CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies")
# A spare omnibox-popup WebUI process per context costs ~35 MB; nothing here uses it.
OUR_DISABLED_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
# Without a sandbox there is none to keep the network stack in: running it in the browser
# process saves an IPC hop each way, ~1 ms of every relayed request's TTFT here
# (bench/relay_profile.py). With the sandbox on it stays a process of its own.
UNSANDBOXED_ENABLED_FEATURES = ("NetworkServiceInProcess2",)
_FEATURE_FLAGS = ("--disable-features=", "--enable-features=")

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
    """Flags for a launch; user extras last, their --disable/--enable-features merged in.

    The page runs the site's third-party scripts, so the sandbox stays on where it can.
    """
    features = {
        "--disable-features=": [*PLAYWRIGHT_DISABLED_FEATURES, *OUR_DISABLED_FEATURES],
        "--enable-features=": [
            *PLAYWRIGHT_ENABLED_FEATURES,
            *(() if sandbox else UNSANDBOXED_ENABLED_FEATURES),
        ],
    }
    args = [*BASE_ARGS, *(() if sandbox else ("--no-sandbox",))]
    for arg in extra:
        flag = next((f for f in _FEATURE_FLAGS if arg.startswith(f)), None)
        if flag is None:
            args.append(arg)
        else:
            features[flag] += [f for f in arg.removeprefix(flag).split(",") if f]
    for flag, names in features.items():
        args.append(flag + ",".join(dict.fromkeys(names)))
    return args

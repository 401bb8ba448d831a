"""Chromium keeps its sandbox unless it cannot have one (root) or the config turns it off."""

from __future__ import annotations

from modules.browser.flags import launch_args, use_sandbox
from modules.config import BrowserConfig


def test_the_sandbox_stays_on_for_an_ordinary_user() -> None:
    assert BrowserConfig().sandbox is True
    assert use_sandbox(True, euid=1000) is True
    assert "--no-sandbox" not in launch_args(sandbox=True)


def test_the_sandbox_goes_only_as_root_or_when_turned_off() -> None:
    assert use_sandbox(True, euid=0) is False
    assert use_sandbox(False, euid=1000) is False
    assert "--no-sandbox" in launch_args(sandbox=False)
    args = launch_args(["--disable-features=Foo", "--lang=de"], sandbox=True)
    assert "Foo" in _features(args, "--disable-features=")
    assert "--lang=de" in args


def _features(args: list[str], flag: str) -> list[str]:
    """The one value Chromium keeps for `flag` (the last), split into feature names."""
    values = [a.removeprefix(flag) for a in args if a.startswith(flag)]
    assert len(values) == 1, f"{flag} given {len(values)} times"
    return values[0].split(",")


def test_each_feature_flag_is_given_once_with_playwrights_list_kept() -> None:
    args = launch_args(["--enable-features=Bar", "--disable-features=Foo,,Foo"], sandbox=False)
    enabled = _features(args, "--enable-features=")
    assert {"CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies", "Bar"} <= set(enabled)
    disabled = _features(args, "--disable-features=")
    assert {"ThirdPartyStoragePartitioning", "WebUIOmniboxPopup"} <= set(disabled)
    assert disabled.count("Foo") == 1 and "" not in disabled


def test_the_network_stack_joins_the_browser_process_only_without_a_sandbox() -> None:
    unsandboxed = _features(launch_args(sandbox=False), "--enable-features=")
    sandboxed = _features(launch_args(sandbox=True), "--enable-features=")
    assert "NetworkServiceInProcess2" in unsandboxed
    assert "NetworkServiceInProcess2" not in sandboxed

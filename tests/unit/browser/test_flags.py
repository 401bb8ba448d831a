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
    assert args[-1].startswith("--disable-features=") and "Foo" in args[-1]
    assert "--lang=de" in args

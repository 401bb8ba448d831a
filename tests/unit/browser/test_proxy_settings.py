"""Configured proxies: checked at load, and passed to Playwright with loopback proxied too."""

from __future__ import annotations

import pytest

from modules.browser.proxy import LOOPBACK_RULE, playwright_proxy
from modules.config import ProxyConfig, parse_config
from modules.errors import ConfigError


def test_loopback_goes_through_the_proxy_and_user_rules_are_kept() -> None:
    plain = playwright_proxy(ProxyConfig(server="http://127.0.0.1:9000"))
    assert plain == {"server": "http://127.0.0.1:9000", "bypass": LOOPBACK_RULE}
    full = playwright_proxy(
        ProxyConfig(server="http://p:1", username="u", password="pw", bypass=" a.test, .b.test")
    )
    assert full["bypass"] == "<-loopback>,a.test,.b.test"
    assert full["username"] == "u" and full["password"] == "pw"


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ({"server": "127.0.0.1:8080"}, "server must look like"),
        ({"server": "ftp://h:1"}, "server must look like"),
        ({"server": "http://u:p@h:1"}, "username/password, not server"),
        ({"server": "socks5://h:1", "username": "u"}, "SOCKS"),
    ],
)
def test_bad_proxies_name_the_key(proxy: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"browser": {"proxies": [{"server": "http://ok:1"}, proxy]}})
    assert "browser.proxies.1" in err.value.message and message in err.value.message


def test_the_password_is_never_shown_by_the_config() -> None:
    config = parse_config({"browser": {"proxies": [{"server": "http://p:1", "password": "pw-9"}]}})
    assert "pw-9" not in repr(config) and "pw-9" not in str(config.model_dump(mode="json"))

"""Values made safe to log: URLs keep scheme, host and port; everything else may be secret."""

from __future__ import annotations

from modules.util.redact import SecretSet, mask_secrets, redact_all, redact_text, redact_url


def test_redact_text_strips_credentials_and_queries() -> None:
    text = "connect failed: http://127.0.0.1:9/json/version/?token=S3 via ws://u:p@h:1/x?k=v#f"
    assert redact_text(text) == "connect failed: http://127.0.0.1:9/json/version/ via ws://h:1/x"
    assert redact_url("wss://u:p@grid.example:443/pw?token=1") == "wss://grid.example:443/…"


def test_a_browser_servers_secret_path_is_hidden() -> None:
    endpoint = "ws://10.0.0.7:3000/6f1c9a2e0b7d4c35a1f0e2d3c4b5a697"
    assert redact_url(endpoint) == "ws://10.0.0.7:3000/…"
    assert redact_url("http://cdp.local:9222/") == "http://cdp.local:9222/"


def test_a_bad_port_does_not_raise() -> None:
    assert redact_url("ws://grid.example:99999/secret") == "ws://grid.example:99999/…"
    assert redact_url("http://[::1/x") == "<unparseable url>"


def test_known_secrets_are_masked_longest_first() -> None:
    secrets = SecretSet(["abc123", "abc123456", None, ""])
    secrets.add("tok-9")
    assert mask_secrets("k=abc123456 j=abc123 t=tok-9", secrets) == "k=*** j=*** t=***"
    assert mask_secrets("ab is short", ["ab"]) == "ab is short"  # too short to be a secret
    assert redact_all("see http://u:tok-9@h/x?q=1 and tok-9", secrets) == "see http://h/x and ***"

"""Values made safe to log: URLs lose credentials, query strings and fragments."""

from __future__ import annotations

from modules.util.redact import redact_text, redact_url


def test_redact_text_strips_credentials_and_queries() -> None:
    text = "connect failed: http://127.0.0.1:9/json/version/?token=S3 via ws://u:p@h:1/x?k=v#f"
    assert redact_text(text) == "connect failed: http://127.0.0.1:9/json/version/ via ws://h:1/x"
    assert redact_url("wss://u:p@grid.example:443/pw?token=1") == "wss://grid.example:443/pw"

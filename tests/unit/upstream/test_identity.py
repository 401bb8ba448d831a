"""The user id is read from the auth cookie in either base64 alphabet, split or whole."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from modules.local_arena.sessions import auth_cookie_parts, encode_session
from modules.upstream.identity import decode_identity

# '?>' encodes to characters that differ between the two alphabets ('/', '+' vs '_', '-').
SESSION = json.dumps({"note": "??>>??>>", "expires_at": 5, "user": {"id": "u-1"}}).encode()


@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode])
def test_both_alphabets_decode(encode: Callable[[bytes], bytes]) -> None:
    raw = encode(SESSION).decode().rstrip("=")
    identity = decode_identity({"arena-auth-prod-v1": "base64-" + raw})
    assert (identity.user_id, identity.expires_at) == ("u-1", 5)


def test_split_cookies_from_the_local_arena_decode() -> None:
    for n in range(20):
        cookies = auth_cookie_parts(encode_session(f"user-{n}"))
        assert len(cookies) > 1
        assert decode_identity(cookies).user_id == f"user-{n}"


def test_garbage_gives_no_user() -> None:
    assert decode_identity({"arena-auth-prod-v1": "base64-!!"}).user_id is None
    assert (
        decode_identity(
            {"arena-auth-prod-v1": "base64-" + base64.b64encode(b"[1]").decode()}
        ).user_id
        is None
    )

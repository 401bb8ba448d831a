"""Who may use what, on every kind of bind: Host allow-list, admin key off loopback and
behind a proxy, byte-safe key checks, login lock-out and expiring admin sessions."""

from __future__ import annotations

import json

import httpx

from tests.e2e.harness import Bridge, running_bridge, wait_for

ADMIN = "correct horse"
API = "api-key-1"
ADMIN_PATHS = ("/api/status", "/api/instances", "/metrics", "/openapi.json")


def _port(bridge: Bridge) -> str:
    return bridge.base_url.rsplit(":", 1)[1]


async def _get(bridge: Bridge, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=bridge.base_url, timeout=10) as http:
        return await http.get(path, headers=headers)


async def test_a_public_bind_checks_host_names_and_needs_the_admin_key(tmp_path) -> None:
    server = {"host": "0.0.0.0", "public_hosts": ["bridge.example.org"]}
    auth = {"admin_key": ADMIN, "api_keys": [API]}
    async with running_bridge(tmp_path, instances=0, server=server, auth=auth) as bridge:
        port = _port(bridge)
        for host in ("evil.com:" + port, f"127.0.0.1:{port}, evil.com", "evil.com", "a@b"):
            r = await _get(bridge, "/api/instances", Host=host)
            assert r.status_code == 403 and r.json()["error"]["code"] == "foreign_host", host
        for host in (f"bridge.example.org:{port}", f"192.168.1.20:{port}", f"[::1]:{port}"):
            r = await _get(bridge, "/api/instances", Host=host)
            assert r.status_code == 401, host  # past the Host check, stopped by the key
        for path in ADMIN_PATHS:  # loopback alone grants nothing on a public bind
            assert (await _get(bridge, path)).status_code in (401, 403), path
            ok = await _get(bridge, path, Authorization=f"Bearer {ADMIN}")
            assert ok.status_code == 200, path
        assert (await _get(bridge, "/openapi.json", Authorization=f"Bearer {API}")).is_error


async def test_without_admin_key_a_public_bind_serves_no_admin_side(tmp_path) -> None:
    server = {"host": "0.0.0.0", "allow_unauthenticated_remote": True}
    async with running_bridge(tmp_path, instances=0, server=server) as bridge:
        for path in (*ADMIN_PATHS, "/"):  # with a key, "/" serves the login form
            assert (await _get(bridge, path)).status_code == 403, path
        assert (await _get(bridge, "/health")).status_code == 200


async def test_behind_a_proxy_loopback_is_not_trusted(tmp_path) -> None:
    server = {"behind_proxy": True}
    auth = {"admin_key": ADMIN, "api_keys": [API]}
    async with running_bridge(tmp_path, instances=0, server=server, auth=auth) as bridge:
        for path in ADMIN_PATHS:
            assert (await _get(bridge, path)).status_code == 401, path
        # The proxy's X-Forwarded-For names the client: lock-outs are per real client.
        for _ in range(5):
            r = await bridge.http.post(
                "/api/login", json={"key": "guess"}, headers={"X-Forwarded-For": "203.0.113.9"}
            )
            assert r.status_code == 401
        locked = await bridge.http.post(
            "/api/login", json={"key": ADMIN}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert locked.status_code == 429
        other = await bridge.http.post(
            "/api/login", json={"key": ADMIN}, headers={"X-Forwarded-For": "198.51.100.4"}
        )
        assert other.status_code == 204
        https = await bridge.http.post(
            "/api/login", json={"key": ADMIN}, headers={"X-Forwarded-Proto": "https"}
        )
        assert "secure" in https.headers["set-cookie"].lower()


async def test_non_ascii_credentials_are_refused_not_crashed(tmp_path) -> None:
    auth = {"admin_key": ADMIN, "api_keys": [API]}
    async with running_bridge(tmp_path, instances=0, auth=auth) as bridge:
        async with httpx.AsyncClient(base_url=bridge.base_url) as http:
            weird = {"Authorization": b"Bearer \xc3\xa9"}  # UTF-8 bytes of "é"
            assert (await http.get("/v1/models", headers=weird)).status_code == 401
            assert (await http.get("/api/status", headers=weird)).status_code == 401
            for key in ("é", "\ud800", "\u0000"):
                r = await http.post("/api/login", content=json.dumps({"key": key}))
                assert r.status_code in (400, 401), (key, r.text)


async def test_logins_back_off_and_sessions_expire(tmp_path) -> None:
    auth = {
        "admin_key": ADMIN,
        "login_max_failures": 3,
        "login_lockout_s": 1,
        "session_idle_s": 1,
        "session_max_s": 60,
    }
    async with running_bridge(tmp_path, instances=0, auth=auth) as bridge:
        async with httpx.AsyncClient(base_url=bridge.base_url) as http:
            for _ in range(3):
                assert (await http.post("/api/login", json={"key": "nope"})).status_code == 401
            locked = await http.post("/api/login", json={"key": ADMIN})
            assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
            assert locked.json()["error"]["code"] == "login_locked"

            async def logged_in() -> bool:
                return (await http.post("/api/login", json={"key": ADMIN})).status_code == 204

            await wait_for(logged_in, 5, "the lock-out to end")
            assert (await http.get("/api/status")).status_code == 200  # cookie session
            assert "secure" not in str(http.cookies.jar).lower()

            async def expired() -> bool:
                return (await http.get("/api/session")).json()["authenticated"] is False

            await wait_for(expired, 5, "the idle session to expire")
            assert (await http.get("/api/status")).status_code == 401

"""Issue 11, item 6: accounts from a storage-state file or a cookie value, checked with the
site's GET /api/me; bad or expired logins are refused naming the field with nothing stored;
a login that expires later is shown as expired and raises an alert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.harness import Bridge, running_bridge, wait_for


async def _account(bridge: Bridge) -> dict[str, str]:
    """A login on the local arena as if a person had signed in: user id and cookie value."""
    async with httpx.AsyncClient(base_url=bridge.arena.url) as http:
        r = await http.post("/_control/accounts")
        r.raise_for_status()
        return r.json()


async def _expire(bridge: Bridge, user_id: str) -> None:
    async with httpx.AsyncClient(base_url=bridge.arena.url) as http:
        (await http.post(f"/_control/accounts/{user_id}/expire")).raise_for_status()


def _storage_state_file(folder: Path, bridge: Bridge, cookie: str) -> Path:
    """A storage-state file as Playwright writes one (`context.storage_state(path=...)`)."""
    host = httpx.URL(bridge.arena.url).host
    state = {
        "cookies": [
            {"name": "arena-auth-prod-v1", "value": cookie, "domain": host, "path": "/",
             "expires": -1, "httpOnly": False, "secure": False, "sameSite": "Lax"},
        ],
        "origins": [],
    }  # fmt: skip
    path = folder / "login.json"
    path.write_text(json.dumps(state), encoding="utf-8")
    return path


async def _instance(bridge: Bridge, user_id: str) -> dict[str, Any] | None:
    found = [i for i in await bridge.instances() if i["identity"]["user_id"] == user_id]
    return found[0] if found else None


async def _ready(bridge: Bridge, user_id: str) -> dict[str, Any]:
    async def ready() -> bool:
        inst = await _instance(bridge, user_id)
        return inst is not None and inst["state"] == "ready"

    await wait_for(ready, 30, f"account {user_id} ready")
    inst = await _instance(bridge, user_id)
    assert inst is not None
    return inst


async def test_accounts_from_a_file_and_a_cookie_serve_and_expire_with_an_alert(
    tmp_path: Path,
) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        by_file, by_cookie = await _account(bridge), await _account(bridge)
        path = _storage_state_file(tmp_path, bridge, by_file["cookie"])
        body = {"storage_state": json.loads(path.read_text()), "name": "from-file"}
        r = await bridge.http.post("/api/instances", json=body)
        assert r.status_code == 202, r.text
        r = await bridge.http.post("/api/instances", json={"cookie": by_cookie["cookie"]})
        assert r.status_code == 202, r.text
        first = await _ready(bridge, by_file["user_id"])
        second = await _ready(bridge, by_cookie["user_id"])
        assert first["settings"]["account"] and first["settings"]["profile"] == "from-file"
        assert second["settings"]["profile"] == f"acct-{by_cookie['user_id']}"
        profiles = tmp_path / "data" / "profiles"
        assert (profiles / "from-file" / "state.json").is_file()
        assert by_file["cookie"] not in json.dumps(await bridge.instances())  # never shown
        # The same login twice is refused.
        r = await bridge.http.post("/api/instances", json={"cookie": by_cookie["cookie"]})
        assert r.status_code == 409 and r.json()["error"]["param"] == "cookie"

        await _expire(bridge, by_cookie["user_id"])

        async def shown_expired() -> bool:
            inst = await _instance(bridge, by_cookie["user_id"])
            return inst is not None and inst["login_expired"]

        await wait_for(shown_expired, 15, "the expired login shown")
        inst = await _instance(bridge, by_cookie["user_id"])
        assert inst is not None and inst["state"] == "needs_attention"
        assert "login expired" in inst["state_reason"]

        async def alerted() -> bool:
            active = (await bridge.http.get("/api/alerts")).json()["active"]
            return any(a["kind"] == "login_expired" for a in active)

        await wait_for(alerted, 20, "the login_expired alert")
        ids = {i["identity"]["user_id"] for i in await bridge.instances()}
        assert by_cookie["user_id"] in ids  # kept, never swapped for a fresh identity


async def test_bad_logins_are_refused_naming_the_field_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        expired = await _account(bridge)
        await _expire(bridge, expired["user_id"])
        foreign = json.loads(_storage_state_file(tmp_path, bridge, expired["cookie"]).read_text())
        foreign["cookies"][0]["domain"] = "example.org"
        unknown = "base64-" + "eyJ1c2VyIjogeyJpZCI6ICJub2JvZHkifX0"  # {"user": {"id": "nobody"}}
        cases = [
            ({"storage_state": ["not", "a", "state"]}, "storage_state", "invalid_request_error"),
            ({"storage_state": {"origins": []}}, "storage_state", "invalid_account"),
            ({"storage_state": foreign}, "storage_state", "invalid_account"),
            ({"cookie": "hello"}, "cookie", "invalid_account"),
            ({"cookie": expired["cookie"]}, "cookie", "login_expired"),
            ({"cookie": unknown}, "cookie", "login_expired"),
        ]
        before = await bridge.instances()
        for body, param, code in cases:
            r = await bridge.http.post("/api/instances", json=body)
            assert r.status_code == 400, (body, r.text)
            error = r.json()["error"]
            assert error["param"] == param, error
            assert code in (error["code"], error["type"]), error
            assert expired["cookie"] not in r.text
        assert len(await bridge.instances()) == len(before)
        assert bridge.coordinator.pool.target == 1
        profiles = tmp_path / "data" / "profiles"
        assert [p.name for p in profiles.iterdir() if p.name.startswith("acct")] == []


async def test_save_session_keeps_the_login_of_an_instance(tmp_path: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        (inst,) = await bridge.instances()
        r = await bridge.http.post(f"/api/instances/{inst['id']}/save-session", json={})
        assert r.status_code == 200, r.text
        name = r.json()["saved"]
        assert r.json()["instance"]["settings"]["account"]
        user_id = inst["identity"]["user_id"]
        assert name == f"acct-{user_id}"
        profiles = tmp_path / "data" / "profiles"
        assert (profiles / name / "state.json").is_file()
        assert not (profiles / f"anon-{user_id}").exists()  # now kept as an account

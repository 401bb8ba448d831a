"""A web page must not be able to drive the bridge: no DNS rebinding, no cross-site POSTs."""

from __future__ import annotations

from tests.e2e.harness import running_bridge


async def test_foreign_host_names_and_cross_origin_writes_are_refused(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        model = await bridge.model()
        rebinding = await bridge.http.get("/api/status", headers={"Host": "rebind.evil.example"})
        assert rebinding.status_code == 403
        assert rebinding.json()["error"]["code"] == "foreign_host"

        evil = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
        added = await bridge.http.post("/api/instances", content=b"{}", headers=evil)
        assert added.status_code == 403 and added.json()["error"]["code"] == "cross_origin"
        body = b'{"model": "%s", "messages": [{"role": "user", "content": "x"}]}' % model.encode()
        forged = await bridge.http.post("/v1/chat/completions", content=body, headers=evil)
        assert forged.status_code == 403
        assert (await bridge.status())["pool"]["target"] == 1  # nothing was changed

        same_origin = {"Origin": bridge.base_url}
        ok = await bridge.http.post("/api/instances", json={}, headers=same_origin)
        assert ok.status_code == 202
        port = bridge.base_url.rsplit(":", 1)[1]
        by_name = await bridge.http.get("/api/status", headers={"Host": f"localhost:{port}"})
        assert by_name.status_code == 200
        plain = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "sdk"}]
        )
        assert plain.choices[0].message.content

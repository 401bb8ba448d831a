"""Editing config.jsonc by hand applies the run-time settings while the bridge runs."""

from __future__ import annotations

import os

from modules.util.jsonc_edit import write_jsonc_changes
from tests.e2e.harness import running_bridge, wait_for


async def test_a_hand_edit_applies_and_a_broken_one_is_ignored(tmp_path, caplog) -> None:
    async with running_bridge(tmp_path, instances=2) as bridge:
        assert (await bridge.status())["strategy"] == "least_busy"
        write_jsonc_changes(
            bridge.config_path,
            {("balancer", "strategy"): "round_robin", ("pool", "max_concurrent_per_instance"): 2},
        )

        async def applied() -> bool:
            status = await bridge.status()
            return status["strategy"] == "round_robin" and status["pool"]["capacity"] == 4

        await wait_for(applied, 10, "the edited settings to apply")
        settings = (await bridge.http.get("/api/settings")).json()
        assert settings["max_concurrent_per_instance"] == 2

        text = bridge.config_path.read_text()
        broken = text.replace('"round_robin"', '"fastest"')
        assert broken != text
        bridge.config_path.write_text(broken)
        stat = bridge.config_path.stat()  # make sure the watcher sees a new mtime
        os.utime(bridge.config_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        await wait_for(lambda: "balancer.strategy" in caplog.text, 10, "the error to be logged")
        assert (await bridge.status())["strategy"] == "round_robin"  # the running value stays
        model = await bridge.model()
        reply = await bridge.client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "still fine"}]
        )
        assert reply.choices[0].message.content

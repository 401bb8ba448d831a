"""The console log: every line of the process while entered, on the live feed, from any thread."""

from __future__ import annotations

import asyncio
import json
import logging
import threading

from modules.app.console_log import ConsoleLog, config_secrets
from modules.config import parse_config
from modules.observability.log_buffer import LogFilter
from modules.observability.log_entry import stderr_handler
from modules.util.event_bus import EventBus
from modules.util.redact import SecretSet

CONFIG = parse_config(
    {
        "auth": {"admin_key": "admin-key-1", "api_keys": ["api-key-1"]},
        "browser": {"proxies": [{"server": "http://p:1", "username": "u", "password": "pw-1"}]},
    }
)
log = logging.getLogger("modules.pool.test")


def test_keys_and_proxy_passwords_are_secrets() -> None:
    assert set(config_secrets(CONFIG)) == {"admin-key-1", "api-key-1", "pw-1"}


async def test_lines_land_in_the_ring_and_on_the_feed_also_from_threads() -> None:
    bus = EventBus()
    feed = bus.subscribe()
    console = ConsoleLog(CONFIG, bus, config_secrets(CONFIG))
    async with console:
        log.info("i-4 started with key api-key-1")
        worker = threading.Thread(target=lambda: log.warning("from a thread"))
        worker.start()
        worker.join()
        first = await asyncio.wait_for(feed.get(), 2)
        second = await asyncio.wait_for(feed.get(), 2)
    log.info("after exit")
    assert first.name == "log" and first.data["instance_id"] == "i-4"
    assert first.data["message"] == "i-4 started with key ***"
    assert second.data["message"] == "from a thread" and second.data["level"] == "WARNING"
    assert [e.message for e in console.buffer.query(LogFilter())] == [
        "i-4 started with key ***",
        "from a thread",
    ]
    assert logging.getLogger("modules").level == logging.NOTSET  # restored


def test_json_lines_on_stderr_are_safe(capsys: object) -> None:
    handler = stderr_handler("json", SecretSet(["pw-1"]))
    record = logging.LogRecord(
        "modules.browser.x", logging.ERROR, __file__, 1, "bad %s", ("pw-1",), None
    )
    data = json.loads(handler.format(record))
    assert data["message"] == "bad ***" and data["level"] == "ERROR"
    assert data["component"] == "browser" and data["time"].endswith("+00:00")
    text = stderr_handler("text", SecretSet(["pw-1"])).format(record)
    assert text.endswith(" ERROR modules.browser.x: bad ***")  # the classic format, masked

"""The console's log: a ring of safe log entries, and each new one on the live event feed."""

from __future__ import annotations

import asyncio
import logging
import re
import threading

from ..config import BridgeConfig
from ..observability.log_buffer import BufferHandler, LogBuffer
from ..observability.log_entry import EntryMaker, LogEntry
from ..util.event_bus import EventBus
from ..util.redact import SecretSet

# How ids look in messages (minted by pool.Pool.add and service.outcome.Outcome): used
# when a log line carries no explicit id.
INSTANCE_ID = re.compile(r"\bi-\d+\b")
REQUEST_ID = re.compile(r"\bchatcmpl-[0-9a-f]{24}\b")
PACKAGE_LOGGER = "modules"
_BUS_LOGGER = "modules.util.event_bus"  # its lines are kept but not re-published (no loop)


def config_secrets(config: BridgeConfig) -> SecretSet:
    """Keys and proxy passwords from the config: masked in every log line shown."""
    proxies = config.browser.proxies
    passwords = [p.password.get_secret_value() for p in proxies if p.password is not None]
    return SecretSet([*config.auth.api_keys, config.auth.admin_key, *passwords])


class ConsoleLog:
    """Async context manager: while entered, every log line of the process lands here."""

    def __init__(self, config: BridgeConfig, bus: EventBus, secrets: SecretSet) -> None:
        self.buffer = LogBuffer(config.logging.console_lines)
        self.secrets = secrets
        self._bus = bus
        self._level = logging.getLevelNamesMapping()[config.logging.level]
        maker = EntryMaker(secrets, INSTANCE_ID, REQUEST_ID)
        self._handler = BufferHandler(self.buffer, maker, self._level)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._lowered = False
        self.buffer.subscribe(self._publish)

    async def __aenter__(self) -> ConsoleLog:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        logging.getLogger().addHandler(self._handler)
        # Embedded (tests, no start.py), the root logger may stop INFO lines before any
        # handler sees them; let the bridge's own lines through at the configured level.
        package = logging.getLogger(PACKAGE_LOGGER)
        if package.level == logging.NOTSET and package.getEffectiveLevel() > self._level:
            package.setLevel(self._level)
            self._lowered = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self._handler)
        if self._lowered:
            logging.getLogger(PACKAGE_LOGGER).setLevel(logging.NOTSET)
            self._lowered = False
        self._loop = None

    def _publish(self, entry: LogEntry) -> None:
        loop = self._loop
        if loop is None or entry.logger == _BUS_LOGGER or not self._bus.has_subscribers():
            return
        if threading.get_ident() == self._loop_thread:
            self._bus.publish("log", entry.to_dict())
            return
        try:  # logged on another thread (e.g. the history writer): hop to the loop
            loop.call_soon_threadsafe(self._bus.publish, "log", entry.to_dict())
        except RuntimeError:
            pass  # the loop has closed; the entry is still in the ring

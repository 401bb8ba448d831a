"""The console's log ring: safe entries, filters, bounded size, subscribers, threads."""

from __future__ import annotations

import logging
import re
import threading

import pytest

from modules.observability.log_buffer import BufferHandler, LogBuffer, LogFilter
from modules.observability.log_entry import EntryMaker, LogEntry, component_of
from modules.util.log_context import log_fields
from modules.util.redact import SecretSet

MAKER = EntryMaker(SecretSet(["hunter22"]), re.compile(r"\bi-\d+\b"), re.compile(r"\breq-\d+\b"))


def _record(
    msg: str,
    *args: object,
    name: str = "modules.pool.pool",
    level: int = logging.INFO,
    **extra: object,
) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def _entry(
    message: str,
    *,
    level: str = "INFO",
    component: str = "pool",
    ts: float = 1.0,
    instance: str | None = None,
) -> LogEntry:
    return LogEntry(0, ts, level, component, f"modules.{component}.x", instance, None, message)


def test_an_entry_is_structured_and_safe() -> None:
    entry = MAKER.make(_record("i-3 via http://u:hunter22@proxy:8080/x?token=abc: hunter22 req-9"))
    assert entry.component == "pool" and entry.level == "INFO"
    assert entry.instance_id == "i-3" and entry.request_id == "req-9"
    assert "hunter22" not in entry.message and "token" not in entry.message
    assert entry.message == "i-3 via http://proxy:8080/x *** req-9"


def test_explicit_ids_win_over_the_task_fields_and_the_text() -> None:
    with log_fields(request_id="req-1", instance_id="i-1"):
        assert MAKER.make(_record("i-7 req-7")).request_id == "req-1"
        assert MAKER.make(_record("x", instance_id="i-2")).instance_id == "i-2"
    assert MAKER.make(_record("nothing here")).instance_id is None


def test_exceptions_keep_their_text_but_not_the_traceback() -> None:
    try:
        raise ValueError("bad value at http://h/p?secret=1")
    except ValueError:
        record = _record("step failed")
        record.exc_info = __import__("sys").exc_info()
    entry = MAKER.make(record)
    assert entry.message == "step failed: ValueError: bad value at http://h/p"


def test_long_messages_are_capped() -> None:
    assert len(MAKER.make(_record("x" * 10_000)).message) <= 2001


def test_components_come_from_the_logger_name() -> None:
    assert component_of("modules.browser.driver") == "browser"
    assert component_of("uvicorn.error") == "uvicorn"
    assert component_of("lmarena_bridge") == "lmarena_bridge"


def test_filters_combine() -> None:
    buf = LogBuffer(100)
    buf.add(_entry("pool started", ts=1))
    buf.add(_entry("browser gone", level="WARNING", component="browser", ts=2, instance="i-2"))
    buf.add(_entry("probe failed", level="ERROR", component="pool", ts=3, instance="i-2"))
    msgs = lambda f: [e.message for e in buf.query(f)]  # noqa: E731
    assert msgs(LogFilter(level="warning")) == ["browser gone", "probe failed"]
    assert msgs(LogFilter(component="pool")) == ["pool started", "probe failed"]
    assert msgs(LogFilter(component="modules.browser")) == ["browser gone"]
    assert msgs(LogFilter(instance="i-2", text="PROBE")) == ["probe failed"]
    assert msgs(LogFilter(since=1.5)) == ["browser gone", "probe failed"]
    assert msgs(LogFilter(after_seq=2)) == ["probe failed"]
    with pytest.raises(ValueError, match="level"):
        LogFilter(level="LOUD")


def test_the_ring_is_bounded_and_queries_return_the_newest_oldest_first() -> None:
    buf = LogBuffer(100)
    for n in range(250):
        buf.add(_entry(f"line {n}"))
    found = buf.query(LogFilter())
    assert len(found) == 100 and found[0].message == "line 150" and found[-1].seq == 250
    assert [e.message for e in buf.query(LogFilter(), limit=2)] == ["line 248", "line 249"]


def test_handler_skips_private_records_and_tells_subscribers() -> None:
    buf = LogBuffer(10)
    seen: list[str] = []
    buf.subscribe(lambda e: seen.append(e.message))
    handler = BufferHandler(buf, MAKER)
    handler.emit(_record("prompt for m: %r", "my secret plan", private=True))
    handler.emit(_record("instance %s ready", "i-1"))
    assert [e.message for e in buf.query(LogFilter())] == ["instance i-1 ready"]
    assert seen == ["instance i-1 ready"]


def test_a_subscriber_that_logs_does_not_loop() -> None:
    buf = LogBuffer(10)
    handler = BufferHandler(buf, MAKER)
    calls: list[int] = []

    def noisy(entry: LogEntry) -> None:
        calls.append(entry.seq)
        handler.emit(_record("subscriber complains"))

    buf.subscribe(noisy)
    handler.emit(_record("first"))
    assert calls == [1]
    assert [e.message for e in buf.query(LogFilter())] == ["first", "subscriber complains"]


def test_threads_can_log_at_once() -> None:
    buf = LogBuffer(10_000)
    handler = BufferHandler(buf, MAKER)

    def work(t: int) -> None:
        for n in range(500):
            handler.emit(_record(f"t{t} n{n}"))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    seqs = [e.seq for e in buf.query(LogFilter(), limit=5000)]
    assert len(seqs) == 2000 and seqs == sorted(seqs) and len(set(seqs)) == 2000

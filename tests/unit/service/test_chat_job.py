"""The per-request object: headers, usage, and exactly one record however it ends."""

from __future__ import annotations

from modules.errors import QueueFullError, StreamCut
from modules.observability.records import RequestRecord
from modules.upstream.events import TextDelta
from tests.support.fakes import make_job


def test_one_record_per_request_with_its_route() -> None:
    records: list[RequestRecord] = []
    job = make_job("four", records=records)
    job.route.instance_id, job.route.strategy, job.route.attempts = "i-2", "random", 2
    job.answer.add(TextDelta("12345678"))
    job.finish(None)
    job.finish(StreamCut("late"))  # only the first end counts
    (rec,) = records
    assert (rec.status, rec.error_kind, rec.instance_id, rec.attempts) == (200, None, "i-2", 2)
    assert (rec.prompt_tokens, rec.completion_tokens) == (1, 2)
    assert rec.request_id == job.id and rec.model == "m-1"


def test_errors_record_their_class_status_and_label() -> None:
    records: list[RequestRecord] = []
    make_job(records=records).finish(QueueFullError("full"))
    make_job(records=records).finish(StreamCut("cut"))
    make_job(records=records).finish(RuntimeError("bug"))
    make_job(records=records).finish(None, cancelled=True)
    assert [(r.status, r.error_kind) for r in records] == [
        (503, "queue_full"),
        (502, "stream_cut"),
        (500, "internal"),
        (499, "client_closed"),
    ]
    assert all(r.completion_tokens == 0 for r in records[:3])
    assert [r.error for r in records] == [
        "full",
        "cut",
        "Internal error in the bridge; see its log.",
        None,  # nobody read an error: the client had left
    ]


def test_the_record_keeps_the_failovers_for_the_detail_view() -> None:
    records: list[RequestRecord] = []
    job = make_job(records=records)
    job.route.failovers = ["i-1: 5xx", "i-3: timeout"]
    job.finish(None)
    assert records[0].failovers == "i-1: 5xx; i-3: timeout" and records[0].error is None


def test_route_headers() -> None:
    job = make_job()
    job.route.failovers.append("i-1: 5xx")
    job.route.queue_wait_s = 0.25
    headers = job.route.headers()
    assert headers["x-bridge-failover"] == "i-1: 5xx"
    assert headers["x-bridge-queue-ms"] == "250"
    assert job.usage()["total_tokens"] == job.prompt_tokens

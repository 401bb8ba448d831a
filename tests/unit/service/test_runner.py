"""The runner over a real pool and dispatcher, with scripted transports (no browser)."""

from __future__ import annotations

import asyncio

import pytest

from modules.errors import (
    ContentRejected,
    InstanceFailed,
    NeedsAttention,
    NoPacedSlot,
    NoUsableInstance,
    StreamCut,
    UpstreamServerError,
    UpstreamStreamError,
    UpstreamTimeout,
)
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from modules.service.chat_job import ChatJob
from modules.service.runner import CompletionRunner
from modules.upstream.events import Citation, ClientEvent, Finish, TextDelta
from tests.support.fakes import (
    FINISH_LINE,
    FakeLauncher,
    Pause,
    Reply,
    answer,
    broken,
    cut,
    failure,
    line,
    make_job,
    ready_pool,
    stall,
)
from tests.support.polling import wait_for


async def _run(runner: CompletionRunner, job: ChatJob) -> list[ClientEvent]:
    job.attach(runner.run(job))
    return [event async for event in job.events]


async def _setup(n: int, max_retries: int = 2) -> tuple[FakeLauncher, Pool, CompletionRunner]:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, n, balancer={"strategy": "round_robin"})
    return launcher, pool, CompletionRunner(pool, max_retries=max_retries)


async def test_a_clean_answer_is_folded_and_timed() -> None:
    launcher, pool, runner = await _setup(1)
    launcher.transport("i-1").script(answer("Hel", "lo"))
    job = make_job("hi")
    events = await _run(runner, job)
    assert events == [TextDelta("Hel"), TextDelta("lo"), Finish("stop")]
    assert job.answer.text == "Hello" and job.ttft_s() is not None
    (sent,) = launcher.transport("i-1").sent
    assert sent.turns == job.turns and sent.continue_evaluation_id is None
    inst = pool.instances["i-1"]
    assert inst.in_flight == 0 and inst.total_requests == 1 and inst.last_evaluation_id == "eval-1"
    assert (job.route.instance_id, job.route.attempts, job.route.failovers) == ("i-1", 1, [])
    await pool.close()


async def test_failover_goes_to_the_next_instance_in_strategy_order() -> None:
    launcher, pool, runner = await _setup(3)
    launcher.transport("i-1").script(failure(500))
    launcher.transport("i-2").script(failure(429, retry_after="30"))
    launcher.transport("i-3").script(answer("fine"))
    job = make_job()
    await _run(runner, job)
    assert job.answer.text == "fine" and job.route.instance_id == "i-3"
    assert job.route.failovers == ["i-1: 5xx", "i-2: 429"] and job.route.attempts == 3
    assert pool.instances["i-2"].base_state is State.COOLING_DOWN
    assert pool.instances["i-1"].health.consecutive_failures == 1
    await pool.close()


async def test_retries_stop_at_max_retries_with_the_last_error() -> None:
    launcher, pool, runner = await _setup(3, max_retries=1)
    for inst_id in ("i-1", "i-2", "i-3"):
        launcher.transport(inst_id).script(failure(502))
    job = make_job()
    with pytest.raises(UpstreamServerError):
        await _run(runner, job)
    assert job.route.attempts == 2 and job.route.error_label == "5xx"
    assert not launcher.transport("i-3").sent  # never reached
    await pool.close()


async def test_no_retry_once_text_was_sent() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(cut("partial"))
    job = make_job()
    with pytest.raises(StreamCut):
        await _run(runner, job)
    assert job.answer.text == "partial" and job.route.attempts == 1
    assert not launcher.transport("i-2").sent
    await pool.close()


async def test_an_in_stream_error_before_text_is_retried_after_text_is_not() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(Reply(200, (line("3", "Resource exhausted"),)))
    job = make_job()
    await _run(runner, job)
    assert job.route.failovers == ["i-1: 5xx"] and job.answer.text == "ok"
    launcher.transport("i-1").script(Reply(200, (line("0", "a"), line("3", "boom"))))
    launcher.transport("i-2").script(Reply(200, (line("0", "a"), line("3", "boom"))))
    with pytest.raises(UpstreamStreamError):
        await _run(runner, make_job())
    await pool.close()


async def test_a_broken_page_is_marked_failed_and_the_request_moves_on() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(Reply(open_error=InstanceFailed("i-1: page crashed")))
    job = make_job()
    await _run(runner, job)
    assert job.route.instance_id == "i-2"
    assert pool.instances["i-1"].last_error == "i-1: page crashed"
    await pool.close()


async def test_a_content_rejection_is_the_clients_error_and_not_retried() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(failure(422, '{"error":"Request rejected"}'))
    with pytest.raises(ContentRejected):
        await _run(runner, make_job())
    assert pool.instances["i-1"].health.consecutive_failures == 0
    assert not launcher.transport("i-2").sent
    await pool.close()


async def test_a_challenge_parks_the_instance() -> None:
    launcher, pool, runner = await _setup(1, max_retries=0)
    launcher.transport("i-1").script(failure(403, "<title>Just a moment...</title>"))
    with pytest.raises(NeedsAttention):
        await _run(runner, make_job())
    assert pool.instances["i-1"].base_state is State.NEEDS_ATTENTION
    with pytest.raises(NoUsableInstance):  # nobody left to serve: 503 at once
        await _run(runner, make_job())
    await pool.close()


async def test_cancellation_frees_the_slot_and_aborts_the_stream() -> None:
    launcher, pool, runner = await _setup(1)
    launcher.transport("i-1").script(stall("thinking"))
    job = make_job()
    job.attach(runner.run(job))
    first = await anext(job.events)
    assert first == TextDelta("thinking")
    reader = asyncio.ensure_future(anext(job.events))
    await wait_for(lambda: pool.instances["i-1"].in_flight == 1, 1)
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    await job.events.aclose()
    inst = pool.instances["i-1"]
    assert inst.in_flight == 0  # freed synchronously
    (stream,) = launcher.transport("i-1").streams
    await wait_for(lambda: stream.closed, 1, "the upstream abort")
    await pool.close()


async def test_a_waiting_request_gets_the_slot_a_cancelled_one_frees() -> None:
    launcher, pool, runner = await _setup(1)
    launcher.transport("i-1").script(stall(), answer("second"))
    first, second = make_job(), make_job()
    first.attach(runner.run(first))
    holder = asyncio.ensure_future(anext(first.events))
    await wait_for(lambda: pool.instances["i-1"].in_flight == 1, 1)
    waiter = asyncio.ensure_future(_run(runner, second))
    await wait_for(lambda: len(pool.dispatcher.queue) == 1, 1)
    holder.cancel()
    await asyncio.gather(holder, return_exceptions=True)
    await first.events.aclose()
    assert [e for e in await asyncio.wait_for(waiter, 1) if isinstance(e, TextDelta)] == [
        TextDelta("second")
    ]
    assert second.route.queue_wait_s > 0
    await pool.close()


async def test_a_citation_is_passed_on_but_does_not_start_the_ttft_clock() -> None:
    launcher, pool, runner = await _setup(1)
    sources = {"sources": [{"url": "https://a.example/1", "title": "A"}]}
    cite = line("c", sources)
    launcher.transport("i-1").script(
        Reply(200, (cite, Pause(0.05), line("0", "x"), FINISH_LINE)),
        Reply(200, (cite, FINISH_LINE)),
    )
    job = make_job()
    events = await _run(runner, job)
    assert events[0] == Citation(sources)
    ttft = job.ttft_s()
    assert ttft is not None and ttft >= 0.05  # the text line, not the citation before it
    assert job.answer.annotations[0]["url_citation"]["url"] == "https://a.example/1"
    only_sources = make_job()
    await _run(runner, only_sources)
    assert only_sources.ttft_s() is None
    await pool.close()


async def test_a_timeout_while_reading_is_retried_elsewhere() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(broken(UpstreamTimeout("i-1: no data for 60s")))
    job = make_job()
    await _run(runner, job)
    assert job.route.failovers == ["i-1: timeout"] and job.answer.text == "ok"
    await pool.close()


async def test_a_429_past_the_queue_timeout_tells_the_client_the_sites_wait() -> None:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, 1, queue={"timeout_s": 5})
    runner = CompletionRunner(pool, max_retries=0)
    launcher.transport("i-1").script(failure(429, retry_after="12"))
    with pytest.raises(NoPacedSlot) as err:
        await _run(runner, make_job())
    assert 11 <= err.value.retry_after_s <= 12
    assert pool.instances["i-1"].base_state is State.COOLING_DOWN
    await pool.close()

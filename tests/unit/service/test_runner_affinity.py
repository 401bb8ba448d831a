"""Continuity in the runner: a continuation goes to its conversation's instance and chat,
within the wait; otherwise (busy, gone, failed) a new chat with the whole history."""

from __future__ import annotations

import asyncio

from modules.pool.pool import Pool
from modules.service.affinity import AffinityMap
from modules.service.chat_job import ChatJob
from modules.service.runner import CompletionRunner
from tests.support.fakes import FakeLauncher, answer, failure, make_job, ready_pool, stall
from tests.support.polling import wait_for


async def _setup(n: int, wait_s: float = 1.0) -> tuple[FakeLauncher, Pool, CompletionRunner]:
    launcher = FakeLauncher()
    pool = await ready_pool(launcher, n, balancer={"strategy": "round_robin"})
    runner = CompletionRunner(
        pool, max_retries=2, affinity=AffinityMap(100, 600), affinity_wait_s=wait_s
    )
    return launcher, pool, runner


async def _run(runner: CompletionRunner, job: ChatJob) -> ChatJob:
    job.attach(runner.run(job))
    _ = [event async for event in job.events]
    return job


def _next_turn(reply: str, text: str = "and then?") -> ChatJob:
    return make_job(text, history=[("user", "first"), ("assistant", reply)])


async def test_a_continuation_goes_to_its_chat_and_only_there() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(answer("one"))
    first = await _run(runner, make_job("first"))
    assert (first.route.instance_id, first.route.affinity) == ("i-1", "miss")
    launcher.transport("i-1").script(answer("two"))
    second = await _run(runner, _next_turn("one"))
    assert (second.route.instance_id, second.route.affinity) == ("i-1", "hit")
    assert second.route.strategy == "affinity"
    assert launcher.transport("i-1").sent[-1].continue_evaluation_id == "eval-1"
    second.finish(None)
    assert second.record is not None and second.record.affinity == "hit"
    assert second.route.headers()["x-bridge-affinity"] == "hit"
    # The reply differs from what the bridge answered: a new chat, wherever the strategy says.
    other = await _run(runner, _next_turn("not what you said"))
    assert other.route.affinity == "miss" and other.route.instance_id == "i-2"
    assert launcher.transport("i-2").sent[-1].continue_evaluation_id is None
    await pool.close()


async def test_a_busy_instance_past_the_wait_means_a_new_chat_elsewhere() -> None:
    launcher, pool, runner = await _setup(2, wait_s=0.05)
    launcher.transport("i-1").script(answer("one"), stall("hold"))
    await _run(runner, make_job("first"))
    await _run(runner, make_job("filler"))  # round robin: i-2, so the next one is i-1's
    blocker = make_job("occupy i-1")
    blocker.attach(runner.run(blocker))
    first_event = asyncio.ensure_future(anext(blocker.events))
    await wait_for(lambda: pool.instances["i-1"].in_flight == 1, 2, "i-1 busy")
    second = await _run(runner, _next_turn("one"))
    assert (second.route.instance_id, second.route.affinity) == ("i-2", "miss")
    assert launcher.transport("i-2").sent[-1].continue_evaluation_id is None
    await first_event
    await blocker.events.aclose()
    await pool.close()


async def test_the_conversation_gets_its_instance_as_soon_as_it_frees() -> None:
    launcher, pool, runner = await _setup(1, wait_s=2)
    launcher.transport("i-1").script(answer("one"), answer("busy", pause_s=0.2), answer("two"))
    await _run(runner, make_job("first"))
    busy = asyncio.ensure_future(_run(runner, make_job("something else")))
    await wait_for(lambda: pool.instances["i-1"].in_flight == 1, 2, "i-1 busy")
    second = await _run(runner, _next_turn("one"))
    await busy
    assert second.route.affinity == "hit" and second.route.queue_wait_s > 0
    await pool.close()


async def test_a_failed_continuation_fails_over_to_a_new_chat() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(answer("one"), failure(500))
    launcher.transport("i-2").script(answer("fresh"))
    await _run(runner, make_job("first"))
    second = await _run(runner, _next_turn("one"))
    assert second.answer.text == "fresh" and second.route.instance_id == "i-2"
    assert second.route.affinity == "miss" and second.route.failovers == ["i-1: 5xx"]
    assert launcher.transport("i-2").sent[-1].continue_evaluation_id is None
    assert len(launcher.transport("i-2").sent[-1].turns) == 3  # the whole history
    await pool.close()

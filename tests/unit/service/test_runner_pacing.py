"""Refusals of the site through the runner: penalties, requeue, never a send into a flag."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from modules.errors import NoPacedSlot
from modules.identity.pace import Refusal
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from modules.service.chat_job import ChatJob
from modules.service.runner import CompletionRunner
from tests.support.fakes import FakeLauncher, Reply, failure, make_job, ready_pool

RECAPTCHA = '{"error":"recaptcha validation failed"}'
PROMPT_FAILED = '{"error":"prompt failed"}'


async def _setup(n: int, **sections: Any) -> tuple[FakeLauncher, Pool, CompletionRunner]:
    launcher = FakeLauncher()
    sections.setdefault("pacing", {"enabled": False, "penalty_s": 60, "penalty_max_s": 240})
    pool = await ready_pool(launcher, n, balancer={"strategy": "round_robin"}, **sections)
    return launcher, pool, CompletionRunner(pool, max_retries=0)


async def _text(runner: CompletionRunner, job: ChatJob) -> str:
    job.attach(runner.run(job))
    async for _ in job.events:
        pass
    return job.answer.text


@pytest.mark.parametrize(
    ("reply", "kind"),
    [(failure(403, RECAPTCHA), "recaptcha"), (failure(429, PROMPT_FAILED), "prompt_failed")],
)
async def test_a_flag_penalises_the_identity_and_the_request_moves_on(
    reply: Reply, kind: str
) -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(reply)
    job = make_job()
    assert await _text(runner, job) == "ok"  # max_retries=0: a refusal is not a retry
    assert job.route.failovers == [f"i-1: {kind}"] and job.route.instance_id == "i-2"
    flagged = pool.instances["i-1"]
    assert flagged.base_state is State.COOLING_DOWN and "penalised" in flagged.state_reason
    assert flagged.pace.state.refusals == {kind: 1} and flagged.pace.state.streak == 1
    assert 59 < flagged.pace.penalty_left_s() <= 60
    # During the penalty nothing is sent to it, whatever the load.
    answers = await asyncio.gather(*(_text(runner, make_job()) for _ in range(4)))
    assert answers == ["ok"] * 4
    assert len(launcher.transport("i-1").sent) == 1
    await pool.close()


async def test_a_plain_429_waits_out_retry_after_and_keeps_no_penalty() -> None:
    launcher, pool, runner = await _setup(2)
    launcher.transport("i-1").script(failure(429, retry_after="30"))
    assert await _text(runner, make_job()) == "ok"
    limited = pool.instances["i-1"]
    assert not limited.pace.penalised() and limited.pace.state.refusals == {"rate_limited": 1}
    assert 29 < limited.pace.wait_s() <= 30 and limited.base_state is State.COOLING_DOWN
    await pool.close()


async def test_every_identity_flagged_answers_503_with_the_earliest_penalty_end() -> None:
    launcher, pool, runner = await _setup(2, queue={"timeout_s": 5})
    for name in ("i-1", "i-2"):
        launcher.transport(name).script(failure(403, RECAPTCHA))
    job = make_job()
    with pytest.raises(NoPacedSlot) as err:
        await _text(runner, job)
    assert 59 <= err.value.retry_after_s <= 60
    assert job.route.failovers == ["i-1: recaptcha", "i-2: recaptcha"]
    with pytest.raises(NoPacedSlot):  # a newcomer is told at once, nothing is sent
        await _text(runner, make_job())
    assert [len(launcher.transport(n).sent) for n in ("i-1", "i-2")] == [1, 1]
    await pool.close()


async def test_the_penalty_doubles_on_a_second_refusal_and_a_success_resets_it() -> None:
    launcher, pool, runner = await _setup(1, pacing={"enabled": False, "penalty_s": 0.1})
    inst = pool.instances["i-1"]
    launcher.transport("i-1").script(failure(403, RECAPTCHA), failure(403, RECAPTCHA))
    assert await _text(runner, make_job()) == "ok"  # waits out 0.1 s, then 0.2 s
    state = inst.pace.state
    assert state.refusals == {"recaptcha": 2} and state.streak == 0
    first, second, third = state.sends
    assert second - first >= 0.1 - 1e-3  # nothing was sent during the first penalty
    assert third - second >= 0.2 - 1e-3  # the second penalty was twice as long
    assert 0.2 - 1e-3 <= state.penalty_until - second < 0.3
    await pool.close()


async def test_a_paced_identity_waits_for_its_slot_woken_by_a_timer() -> None:
    pacing = {"min_interval_s": 0.2, "burst": 100, "burst_window_s": 100}
    launcher, pool, runner = await _setup(1, pacing=pacing)
    await _text(runner, make_job())
    second = make_job()
    assert await _text(runner, second) == "ok"
    assert 0.15 <= second.route.queue_wait_s < 1.0
    sent_at = [s for s in pool.instances["i-1"].pace.state.sends]
    assert sent_at[1] - sent_at[0] >= 0.2 - 1e-3
    await pool.close()


async def test_a_slot_past_the_queue_timeout_is_refused_at_once() -> None:
    pacing = {"min_interval_s": 30, "burst": 100, "burst_window_s": 100}
    launcher, pool, runner = await _setup(1, pacing=pacing, queue={"timeout_s": 2})
    await _text(runner, make_job())
    started = asyncio.get_running_loop().time()
    with pytest.raises(NoPacedSlot) as err:
        await _text(runner, make_job())
    assert asyncio.get_running_loop().time() - started < 0.5
    assert 29 <= err.value.retry_after_s <= 30
    assert err.value.status == 503 and err.value.code == "no_paced_slot"
    await pool.close()


async def test_failover_never_picks_a_penalised_identity() -> None:
    launcher, pool, _ = await _setup(2)
    runner = CompletionRunner(pool, max_retries=2)
    flagged = pool.instances["i-1"]
    flagged.pace.refused(Refusal.RECAPTCHA)
    pool.rest(flagged, "penalised")
    launcher.transport("i-2").script(failure(502, "bad gateway"))  # retried elsewhere...
    job = make_job()
    assert await _text(runner, job) == "ok"  # ...yet not on the penalised one
    assert job.route.failovers and job.route.instance_id == "i-2"
    assert launcher.transport("i-1").sent == []
    await pool.close()

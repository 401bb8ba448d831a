"""One client request through the coordinator, shaped for agent clients.

It plans the request (tools, JSON, stop, max_tokens), submits the rendered conversation,
passes the upstream events through the answer shaper and, when the shaper asks for a
repair, submits one more turn: history, the bad reply and the repair instruction (a
follow-up the runner types into the same upstream chat when continuity knows it). Each
upstream request is its own ChatJob and history row; `finish` records the current one.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing

from ..openai_api.agent_request import AgentPlan, plan_request, prompt_messages
from ..openai_api.answer_shaper import AnswerShaper
from ..openai_api.repair import Repair, repair_messages
from ..openai_api.schema import ChatCompletionRequest
from ..openai_api.shaped_answer import Output, ShapedAnswer, event_outputs
from .chat_job import ChatJob, Route

Submit = Callable[[ChatCompletionRequest], Awaitable[ChatJob]]


class AgentCall:
    """A submitted request: its current job, and the shaped outputs once iterated."""

    def __init__(
        self,
        submit: Submit,
        request: ChatCompletionRequest,
        plan: AgentPlan,
        client: tuple[str, str] = ("", "chat"),
    ) -> None:
        self.request = request
        self.plan = plan
        self.client = client  # (User-Agent, endpoint), noted on every job
        self.answer = ShapedAnswer()
        self._submit = submit
        self._messages = prompt_messages(request, plan)
        self._job: ChatJob | None = None

    @classmethod
    async def open(
        cls, submit: Submit, request: ChatCompletionRequest, client: tuple[str, str] = ("", "chat")
    ) -> AgentCall:
        """Plan (400 on bad fields) and submit the first upstream request."""
        call = cls(submit, request, plan_request(request), client)
        await call._send()
        return call

    async def _send(self) -> None:
        job = await self._submit(self.request.model_copy(update={"messages": self._messages}))
        job.user_agent, job.endpoint = self.client
        self._job = job

    @property
    def job(self) -> ChatJob:
        assert self._job is not None, "open() first"
        return self._job

    @property
    def id(self) -> str:
        return self.job.id

    @property
    def route(self) -> Route:
        return self.job.route

    def finish(self, err: BaseException | None, *, cancelled: bool = False) -> None:
        """Record how the current upstream request ended (first call counts)."""
        self.job.finish(err, cancelled=cancelled)

    def usage(self) -> dict[str, int]:
        """Estimated usage: the last prompt sent and what the client was given."""
        prompt = self.job.prompt_tokens
        completion = self.answer.completion_tokens()
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    async def outputs(self) -> AsyncGenerator[Output, None]:
        """The outputs to release, in order; after the last one `answer` is complete."""
        repairs = 0
        while True:
            shaper = AnswerShaper(self.plan, repairs)
            async with aclosing(self._shaped(shaper)) as shaped:
                async for output in shaped:
                    self.answer.add(output)
                    yield output
            finished = shaper.finish(self.job.answer.finish_reason)
            if finished.repair is None:
                for piece in finished.pieces:
                    self.answer.add(piece)
                    yield piece
                self.answer.end(finished)
                return
            await self._repair(finished.repair)
            repairs += 1

    async def _shaped(self, shaper: AnswerShaper) -> AsyncGenerator[Output, None]:
        # Stops reading once stop/max_tokens cut the answer: closing the events aborts
        # the upstream call and frees the slot.
        async with aclosing(self.job.events) as events:
            async for event in events:
                for output in event_outputs(event, shaper, self.answer.content_length):
                    yield output
                if shaper.done:
                    return

    async def _repair(self, repair: Repair) -> None:
        bad_reply = self.job.answer.text
        self.job.finish(None)  # the upstream call itself succeeded
        self._messages = repair_messages(self._messages, bad_reply, repair)
        await self._send()

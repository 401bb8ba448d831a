"""Issue 12 with the agent frameworks users point at the bridge, each on its default path."""

from __future__ import annotations

import instructor
import openai
from agents import (
    Agent,
    Runner,
    function_tool,
    set_default_openai_api,
    set_default_openai_client,
    set_tracing_disabled,
)
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.e2e.harness import running_bridge


class City(BaseModel):
    name: str
    population: int


@tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f"sunny in {city}"


@function_tool
def lookup_capital(country: str) -> str:
    """The capital city of a country."""
    return f"capital-of-{country}"


def _chat(base_url: str, model: str) -> ChatOpenAI:
    return ChatOpenAI(base_url=f"{base_url}/v1", api_key="none", model=model, max_retries=0)


async def test_langchain_bind_tools_and_structured_output(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        bound = _chat(bridge.base_url, "local-agent").bind_tools([get_weather])
        message = await bound.ainvoke("Use get_weather for Rome.")
        assert [c["name"] for c in message.tool_calls] == ["get_weather"]
        assert message.tool_calls[0]["args"] == {"city": "city-example"}

        structured = _chat(bridge.base_url, "local-json").with_structured_output(City)
        city = await structured.ainvoke("Invent a city.")
        assert city == City(name="name-example", population=1)


async def test_instructor_default_mode(tmp_path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        client = instructor.from_openai(
            openai.AsyncOpenAI(base_url=f"{bridge.base_url}/v1", api_key="none", max_retries=0)
        )
        city = await client.chat.completions.create(
            model="local-agent",
            response_model=City,
            messages=[{"role": "user", "content": "Invent a city."}],
            max_retries=0,
        )
        assert city.model_dump() == {"name": "name-example", "population": 1}


async def test_openai_agents_with_a_tool(tmp_path) -> None:
    set_tracing_disabled(True)
    async with running_bridge(tmp_path, instances=1) as bridge:
        client = openai.AsyncOpenAI(base_url=f"{bridge.base_url}/v1", api_key="none", max_retries=0)
        # A string model name goes through the Responses API of the default client.
        set_default_openai_client(client, use_for_tracing=False)
        set_default_openai_api("responses")
        agent = Agent(
            name="helper",
            instructions="Answer with the tools you have.",
            tools=[lookup_capital],
            model="local-agent",
        )
        result = await Runner.run(agent, "What is the capital of France? Use lookup_capital.")
        assert result.final_output == (
            "The tool lookup_capital returned: capital-of-country-example"
        )

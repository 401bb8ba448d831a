"""Issue 12 in Node: the `openai` npm SDK and the Vercel AI SDK's default provider.

The packages come from the npm registry into a temporary folder, once per test session
(about 10 s); each script runs against the running bridge and prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from modules.local_arena import expected_reasoning, expected_reply
from tests.e2e.harness import running_bridge

SCRIPTS = Path(__file__).parent / "node"
PACKAGES = ("openai@6", "ai@6", "@ai-sdk/openai@3", "zod@4")


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the Node packages installed (once per session)."""
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed for the Node client tests"
    folder = tmp_path_factory.mktemp("node_clients")
    (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
        cwd=folder,
        check=True,
        timeout=300,
    )
    for script in SCRIPTS.glob("*.mjs"):
        shutil.copy(script, folder / script.name)
    return folder


async def _run(folder: Path, script: str, base_url: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        "node",
        script,
        cwd=folder,
        env={**os.environ, "BRIDGE_URL": f"{base_url}/v1"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 0, err.decode()[-3000:]
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def test_openai_npm_sdk(tmp_path, node_modules: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        seen = await _run(node_modules, "openai_sdk.mjs", bridge.base_url)
    assert seen == {
        "finish": "tool_calls",
        "name": "get_weather",
        "args": {"city": "city-example"},
        "streamed": ["get_weather"],
        "streamFinish": "tool_calls",
        "responseCall": "get_weather",
        "followText": "The tool get_weather returned: snow",
    }


async def test_ai_sdk_default_provider_stream_text(tmp_path, node_modules: Path) -> None:
    async with running_bridge(tmp_path, instances=1) as bridge:
        seen = await _run(node_modules, "ai_sdk.mjs", bridge.base_url)
    assert seen["text"] == expected_reply("local-thinker", "hello sdk")
    assert seen["reasoning"] == expected_reasoning("local-thinker", "hello sdk")
    assert seen["calls"] == ["get_weather"]
    assert seen["toolText"].endswith("The tool get_weather returned: warm in city-example")

"""The bridge as a user runs it: `python start.py --demo` in its own process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO

import httpx

from tests.support.polling import wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(
    config: Path,
    port: int,
    out: IO[bytes],
    err: IO[bytes] | int = subprocess.STDOUT,
    *extra: str,
) -> subprocess.Popen[bytes]:
    """start.py --demo on `port` with `config` (and `extra` flags); stdout to `out`, stderr
    to `err` (default: with stdout)."""
    return subprocess.Popen(
        [sys.executable, "start.py", "--demo", "--port", str(port), "--config", str(config)]
        + list(extra),
        cwd=ROOT,
        stdout=out,
        stderr=err,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def wait_ready(proc: subprocess.Popen[bytes], http: httpx.AsyncClient, log: Path) -> None:
    """Poll /ready until 200; fail with the bridge's log if the process has ended."""

    async def ready() -> bool:
        assert proc.poll() is None, _text(log)
        with contextlib.suppress(httpx.TransportError):
            return (await http.get("/ready")).status_code == 200
        return False

    await wait_for(ready, 60, "the bridge subprocess to be ready")


def _text(log: Path) -> str:
    """The bridge's log so far (the message of a failed start)."""
    return log.read_text(errors="replace")

"""Start LMArena Bridge: python start.py [--demo] [--config PATH] [--port P] ..."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from api_server import create_app
from modules.app.console_log import config_secrets
from modules.browser.driver import detect_browser
from modules.config import BridgeConfig, load_config, with_overrides
from modules.errors import BridgeError
from modules.http.server import uvicorn_config
from modules.observability.log_entry import stderr_handler
from modules.util.netaddr import is_loopback
from modules.util.redact import SecretSet

log = logging.getLogger("lmarena_bridge")
DEFAULT_CONFIG = Path(__file__).with_name("config.jsonc")
# The demo's pace: the same rules as the real site's (config.jsonc), on a scale a person
# can watch; the local arena does not flag anyone at this pace.
DEMO_PACING: dict[str, Any] = {
    "min_interval_s": 3,
    "max_interval_s": 60,
    "burst": 10,
    "burst_window_s": 60,
    "penalty_s": 15,
    "penalty_max_s": 120,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="OpenAI-compatible API over LMArena browser sessions")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config.jsonc to read")
    p.add_argument("--demo", action="store_true", help="run against a local arena in-process")
    p.add_argument("--arena-url", help="upstream site (overrides arena.url)")
    p.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to bind (default 5102)")
    p.add_argument("--instances", type=int, help="instances to start with")
    p.add_argument("--headed", action="store_true", help="show browser windows")
    return p.parse_args(argv)


def build_config(args: argparse.Namespace, arena_url: str | None = None) -> BridgeConfig:
    config = load_config(args.config)
    server: dict[str, Any] = {}
    if args.host:
        server["host"] = args.host
    if args.port is not None:
        server["port"] = args.port
    pool: dict[str, Any] = {}
    if args.instances is not None:
        pool = {
            "initial_instances": args.instances,
            "min_instances": min(config.pool.min_instances, args.instances),
            "max_instances": max(config.pool.max_instances, args.instances),
        }
    arena = {"url": arena_url or args.arena_url} if (arena_url or args.arena_url) else {}
    browser = {"headless": False} if args.headed else {}
    pacing = DEMO_PACING if args.demo else {}
    return with_overrides(
        config, server=server, pool=pool, arena=arena, browser=browser, pacing=pacing
    )


def check_exposure(config: BridgeConfig) -> None:
    """Refuse a start that would open the API or the admin side to other machines."""
    server, auth = config.server, config.auth
    public = not is_loopback(server.host) or server.behind_proxy
    where = "behind a proxy" if server.behind_proxy else f"on {server.host}"
    if public and not auth.api_keys and not server.allow_unauthenticated_remote:
        raise BridgeError(
            f"refusing to listen {where} with no API key: set auth.api_keys in the config "
            "(or server.allow_unauthenticated_remote: true if you really mean it)"
        )
    if public and auth.admin_key is None:
        raise BridgeError(
            f"refusing to listen {where} with no admin key: set auth.admin_key in the config "
            "(the GUI, /api and /metrics need it whenever loopback is not the only way in)"
        )
    if server.behind_proxy:
        log.warning(
            "behind_proxy: trusting X-Forwarded-For/-Proto from %s; make sure only the "
            "proxy can reach port %d",
            server.forwarded_allow_ips,
            server.port,
        )


class BridgeServer(uvicorn.Server):
    """uvicorn server that stops new completions (503) as soon as a signal arrives."""

    def __init__(self, app: FastAPI, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.app = app

    def handle_exit(self, sig: int, frame: Any) -> None:
        coordinator = getattr(self.app.state, "coordinator", None)
        if coordinator is not None:
            coordinator.accepting = False
        super().handle_exit(sig, frame)


async def report_progress(server: BridgeServer, config: BridgeConfig) -> None:
    """Print where to connect, which browser runs, and instances as they come up."""
    while not server.started:
        await asyncio.sleep(0.1)
    coordinator = server.app.state.coordinator
    base = f"http://{config.server.host}:{server.servers[0].sockets[0].getsockname()[1]}"
    print(f"LMArena Bridge on {base}/v1  (GUI: {base}/)", flush=True)
    print(f"upstream: {config.arena.url}", flush=True)
    print(f"browser: {coordinator.driver.binary.describe()}", flush=True)
    shown = -1
    while True:
        ready = coordinator.pool.usable_count()
        total = len(coordinator.pool.serving())
        if ready != shown:
            print(f"instances ready: {ready}/{total}", flush=True)
            shown = ready
        await asyncio.sleep(0.5)


async def serve(config: BridgeConfig, secrets: SecretSet) -> None:
    await detect_browser(config.browser, headless=config.browser.headless)  # clear error early
    app = create_app(config, secrets=secrets)
    server = BridgeServer(
        app,
        uvicorn_config(
            app, config.server, timeout_graceful_shutdown=max(1, int(config.shutdown.grace_s))
        ),
    )
    progress = asyncio.create_task(report_progress(server, config))
    try:
        await server.serve()
    finally:
        progress.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await progress


async def main_async(args: argparse.Namespace, secrets: SecretSet) -> None:
    """Run the bridge; `secrets` are masked on stderr too (proxy passwords join at run time)."""
    if not args.demo:
        config = build_config(args)
        check_exposure(config)
        await serve(config, secrets)
        return
    from modules.local_arena import LocalArena

    # The arena as the site is in 2026 (reCAPTCHA-gated sends): `auto` picks `compose`.
    async with LocalArena() as arena:
        print(f"local arena (demo upstream) on {arena.url}", flush=True)
        config = build_config(args, arena_url=arena.url)
        check_exposure(config)
        await serve(config, secrets)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = load_config(args.config)
        secrets = config_secrets(config)
        handler = stderr_handler(config.logging.format, secrets)
        logging.basicConfig(level=config.logging.level, handlers=[handler])
        # SIGTERM ends the program like Ctrl-C: uvicorn drains, then re-raises the signal
        # it caught; as KeyboardInterrupt that unwinds cleanly (exit 0) instead of killing us.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        asyncio.run(main_async(args, secrets))
    except BridgeError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

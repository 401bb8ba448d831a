"""Run the local arena standalone: `python -m modules.local_arena --port 5200`."""

from __future__ import annotations

import argparse
import json
import sys

import uvicorn
from pydantic import ValidationError

from .app import create_arena_app
from .knobs import Knobs
from .state import ArenaSettings


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m modules.local_arena", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    parser.add_argument("--tokens-per-s", type=float, default=None, help="stream speed")
    parser.add_argument("--ttft-ms", type=int, default=None, help="delay before the first token")
    parser.add_argument(
        "--legacy", action="store_true", help="serve the 2025 protocol (tokenless, messages[])"
    )
    parser.add_argument(
        "--knobs", default=None, help="start knobs as JSON, e.g. '{\"challenge\": true}'"
    )
    return parser.parse_args(argv)


def _start_knobs(args: argparse.Namespace) -> Knobs:
    """Knobs from --knobs JSON, with the speed flags on top."""
    values = json.loads(args.knobs) if args.knobs else {}
    if not isinstance(values, dict):
        raise ValueError("--knobs must be a JSON object")
    if args.tokens_per_s is not None:
        values["tokens_per_s"] = args.tokens_per_s
    if args.ttft_ms is not None:
        values["ttft_ms"] = args.ttft_ms
    if args.legacy:
        values["legacy_protocol"] = True
    return Knobs.model_validate(values)


def main(argv: list[str] | None = None) -> int:
    """Parse flags, then serve until interrupted."""
    args = _parse_args(argv)
    try:
        knobs = _start_knobs(args)
    except (ValueError, ValidationError) as exc:
        print(f"invalid knobs: {exc}", file=sys.stderr)
        return 2
    app = create_arena_app(ArenaSettings(knobs=knobs))
    print(f"local arena on http://{args.host}:{args.port}/ (knobs: POST /_control)", flush=True)
    # A short grace period: stalled streams would otherwise hold the shutdown forever.
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=2
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

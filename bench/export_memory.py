"""Peak memory of a history export: streamed page by page vs. the whole table at once.

    python3 bench/export_memory.py [--rows 100000]

Fills a history file with `--rows` requests, then measures each way of exporting it in a
fresh child process (so each peak RSS is its own): `baseline` opens the store and exports
nothing; `stream csv` / `stream jsonl` run the export the API serves (a page of rows at a
time), counting and dropping each chunk; `whole table` reads every row at once and builds one JSON document,
as an export without paging would. Prints rows, output size, time and peak RSS; the streamed
peaks should sit near the baseline whatever the row count. `http baseline` / `http csv`
do the same through the real app on loopback (no instances): the server started and idle,
then a client streaming GET /api/history/export?format=csv. Prints only, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modules.observability.history import FILE_NAME, HistoryStore  # noqa: E402
from modules.observability.history_export import export_requests  # noqa: E402
from modules.observability.history_sql import REQUEST_COLUMNS, SCHEMA, insert_sql  # noqa: E402

MODES = ("baseline", "stream csv", "stream jsonl", "whole table", "http baseline", "http csv")


def _row(n: int, start: float) -> tuple[object, ...]:
    """One plausible request: mostly quick answers, one in 50 a 502 after a failover."""
    failed = n % 50 == 0
    values = {
        "ts": start + n,
        "request_id": f"chatcmpl-{n:024x}",
        "model": f"local-echo-{n % 4 + 1}",
        "instance_id": f"i-{n % 6 + 1}",
        "strategy": "least_busy",
        "status": 502 if failed else 200,
        "error_kind": "5xx" if failed else None,
        "ttft_s": None if failed else 0.2 + (n % 7) / 10,
        "duration_s": 1.5 + (n % 11) / 10,
        "prompt_tokens": 40,
        "completion_tokens": 120,
        "attempts": 2 if failed else 1,
        "queue_wait_s": 0.0,
        "stream": n % 2,
        "error_type": "api_error" if failed else None,
        "user_agent": "OpenAI/Python 1.0",
        "endpoint": "chat",
        "failovers": "i-9: 5xx" if failed else "",
        "error": "The site answered 502." if failed else None,
    }
    return tuple(values[c] for c in REQUEST_COLUMNS)


def fill(folder: Path, rows: int) -> None:
    """A history file with `rows` requests, one per second up to now."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.executescript(SCHEMA)
    start = time.time() - rows
    for first in range(0, rows, 10_000):
        batch = [_row(n, start) for n in range(first, min(first + 10_000, rows))]
        conn.executemany(insert_sql("requests"), batch)
    conn.commit()
    conn.close()


async def _measure(folder: Path, mode: str) -> dict[str, float]:
    store = HistoryStore(folder, retention_days=3650, max_rows=10**9)
    started = time.perf_counter()
    size = rows = 0
    if mode.startswith("stream"):  # each chunk counted, then dropped, like a sent one
        async for chunk in export_requests(store, mode.split()[1]):  # type: ignore[arg-type]
            size += len(chunk.encode())
            rows += chunk.count("\n")
    elif mode == "whole table":
        sql = f"SELECT {', '.join(REQUEST_COLUMNS)} FROM requests ORDER BY ts, id"
        everything = await asyncio.to_thread(store._query, sql, ())
        text = json.dumps(everything)
        size, rows = len(text.encode()), len(everything)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    return {"rows": rows, "mb": size / 1e6, "s": time.perf_counter() - started, "peak": peak_mb}


async def _measure_http(folder: Path, mode: str) -> dict[str, float]:
    """The real app (no instances) on loopback; the download read as a client streams it."""
    import httpx
    import uvicorn

    from api_server import create_app
    from modules.config import parse_config

    config = parse_config(
        {
            "storage": {"path": str(folder)},
            "pool": {"initial_instances": 0, "min_instances": 0},
            "autoscale": {"enabled": False},
        }
    )
    server = uvicorn.Server(uvicorn.Config(create_app(config), port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    started = time.perf_counter()
    size = rows = 0
    if mode == "http csv":
        url = f"http://127.0.0.1:{port}/api/history/export?format=csv"
        async with httpx.AsyncClient(timeout=120) as client, client.stream("GET", url) as r:
            async for chunk in r.aiter_bytes():
                size += len(chunk)
                rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    server.should_exit = True
    await task
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "mb": size / 1e6, "s": elapsed, "peak": peak_mb}


def child(folder: str, mode: str) -> None:
    measure = _measure_http if mode.startswith("http") else _measure
    print(json.dumps(asyncio.run(measure(Path(folder), mode))))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        t0 = time.perf_counter()
        fill(folder, args.rows)
        print(f"history with {args.rows:,} requests written in {time.perf_counter() - t0:.1f}s")
        print(f"{'mode':<14}{'lines':>10}{'MB out':>9}{'seconds':>9}{'peak RSS MB':>13}")
        for mode in MODES:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(folder), mode],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout)
            print(f"{mode:<14}{r['rows']:>10,}{r['mb']:>9.1f}{r['s']:>9.2f}{r['peak']:>13.1f}")


if __name__ == "__main__":
    main()

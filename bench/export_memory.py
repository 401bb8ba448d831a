"""Peak memory of a history export: streamed page by page vs. the whole table at once.

    python3 bench/export_memory.py [--rows 100000]

Fills a history file with `--rows` requests, then measures each way of exporting it in a
fresh child process (so each peak RSS is its own): `baseline` opens the store and exports
nothing; `stream csv` / `stream jsonl` run the export the API serves (a page of rows at a
time), counting and dropping each chunk; `whole table` reads every row at once and builds one JSON document,
as an export without paging would. Prints rows, output size, time and peak RSS; the streamed
peaks should sit near the baseline whatever the row count. Prints only, asserts nothing.
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

MODES = ("baseline", "stream csv", "stream jsonl", "whole table")


def fill(folder: Path, rows: int) -> None:
    """A history file with `rows` plausible requests, one per second."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.executescript(SCHEMA)
    start = time.time() - rows
    batch = []
    for n in range(rows):
        failed = n % 50 == 0
        batch.append(
            (
                start + n,
                f"chatcmpl-{n:024x}",
                f"local-echo-{n % 4 + 1}",
                f"i-{n % 6 + 1}",
                "least_busy",
                502 if failed else 200,
                "5xx" if failed else None,
                None if failed else 0.2 + (n % 7) / 10,
                1.5 + (n % 11) / 10,
                40,
                120,
                2 if failed else 1,
                0.0,
                n % 2,
                "i-9: 5xx" if failed else "",
                "The site answered 502." if failed else None,
            )
        )
        if len(batch) == 10_000:
            conn.executemany(insert_sql("requests"), batch)
            batch.clear()
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


def child(folder: str, mode: str) -> None:
    print(json.dumps(asyncio.run(_measure(Path(folder), mode))))


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

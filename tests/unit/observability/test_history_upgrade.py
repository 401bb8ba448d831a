"""A history file written before the detail columns existed is upgraded at start."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from modules.observability.history import FILE_NAME
from modules.observability.history_sql import SCHEMA
from tests.unit.observability.test_history import NOW, _rec, _store

OLD_SCHEMA = SCHEMA.replace(
    ",\n    failovers TEXT NOT NULL DEFAULT '',\n    error TEXT,\n    affinity TEXT,\n"
    "    mode TEXT NOT NULL DEFAULT 'direct'\n",
    "\n",
)


async def test_old_rows_stay_and_new_rows_carry_their_details(tmp_path: Path) -> None:
    assert OLD_SCHEMA != SCHEMA
    (tmp_path / "data").mkdir()
    conn = sqlite3.connect(tmp_path / "data" / FILE_NAME)
    conn.executescript(OLD_SCHEMA)
    conn.execute(
        "INSERT INTO requests (ts, request_id, model, strategy, status, duration_s) "
        "VALUES (?, 'old', 'm1', 'least_busy', 200, 1.0)",
        (NOW - 10,),
    )
    conn.commit()
    conn.close()
    store = _store(tmp_path).start()
    new = replace(
        _rec(1, status=502),
        failovers="i-1: 5xx; i-2: timeout",
        error="upstream said no",
        affinity="hit",
        mode="battle",
    )
    store.record_request(new)
    assert store.flush()
    rows = {r["request_id"]: r for r in await store.requests()}
    assert rows["old"]["failovers"] == "" and rows["old"]["error"] is None
    assert rows["old"]["affinity"] is None and rows["r1"]["affinity"] == "hit"
    assert rows["old"]["mode"] == "direct" and rows["r1"]["mode"] == "battle"
    assert rows["r1"]["failovers"] == "i-1: 5xx; i-2: timeout"
    assert rows["r1"]["error"] == "upstream said no"
    store.close()
    _store(tmp_path).start().close()  # a second start finds nothing to add

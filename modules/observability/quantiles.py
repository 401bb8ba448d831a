"""Percentiles and per-window summaries of request rows, computed in plain Python."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SERIES_BUCKETS = 60


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of unsorted values, q a fraction (0.95 = p95); None if empty."""
    if not 0 <= q <= 1:
        raise ValueError(f"q is a fraction in 0..1, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    # Nearest rank returns a value that was really observed, which reads better on charts.
    # The epsilon keeps float noise (0.55 * 100 = 55.00000000000001) from skipping a rank.
    rank = max(1, math.ceil(q * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def is_error_row(row: Mapping[str, Any]) -> bool:
    """Same rule as RequestRecord.is_error, for rows read back from SQLite."""
    return row["status"] >= 400 or row["error_kind"] is not None


def summarize(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Totals, error rate, TTFT and duration percentiles of some request rows."""
    total = errors = prompt = completion = 0
    ttfts: list[float] = []
    durations: list[float] = []
    for row in rows:
        total += 1
        errors += is_error_row(row)
        prompt += row.get("prompt_tokens") or 0
        completion += row.get("completion_tokens") or 0
        if row["ttft_s"] is not None:
            ttfts.append(row["ttft_s"])
        durations.append(row["duration_s"])
    return {
        "total": total,
        "errors": errors,
        "error_rate": errors / total if total else 0.0,
        "ttft_p50": percentile(ttfts, 0.5),
        "ttft_p95": percentile(ttfts, 0.95),
        "duration_p50": percentile(durations, 0.5),
        "duration_p95": percentile(durations, 0.95),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
    }


def group_summaries(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Summaries per distinct value of `key`; rows whose key is None are left out."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        value = row[key]
        if value is not None:
            groups.setdefault(str(value), []).append(row)
    return {name: summarize(group) for name, group in sorted(groups.items())}


def series(
    rows: Iterable[Mapping[str, Any]],
    since: float,
    window_s: float,
    buckets: int = SERIES_BUCKETS,
) -> list[dict[str, Any]]:
    """Split the window into equal time buckets for charts; empty buckets stay, with zeros."""
    width = window_s / buckets
    grouped: list[list[Mapping[str, Any]]] = [[] for _ in range(buckets)]
    for row in rows:
        index = int((row["ts"] - since) // width)
        if 0 <= index < buckets:
            grouped[index].append(row)
        elif index == buckets:  # a row stamped exactly at `now` belongs to the last bucket
            grouped[-1].append(row)
    out = []
    for i, group in enumerate(grouped):
        ttfts = [r["ttft_s"] for r in group if r["ttft_s"] is not None]
        out.append(
            {
                "t": since + i * width,
                "requests": len(group),
                "errors": sum(is_error_row(r) for r in group),
                "ttft_p50": percentile(ttfts, 0.5),
                "ttft_p95": percentile(ttfts, 0.95),
                "duration_p95": percentile([r["duration_s"] for r in group], 0.95),
            }
        )
    return out


def window_stats(
    rows: Sequence[Mapping[str, Any]], since: float, window_s: float
) -> dict[str, Any]:
    """Everything `HistoryStore.stats` returns, from the rows of one window."""
    return {
        **summarize(rows),
        "window_s": window_s,
        "since": since,
        "per_model": group_summaries(rows, "model"),
        "per_instance": group_summaries(rows, "instance_id"),
        "series": series(rows, since, window_s),
    }

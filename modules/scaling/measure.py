"""Measurements for the autoscaler: browser process-tree usage and the container limit."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import psutil

_CGROUP_V2 = Path("/sys/fs/cgroup/memory.max")
_CGROUP_V1 = Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")
# cgroup v1 reports "unlimited" as a huge number near 2**63; anything this big is no limit.
_V1_UNLIMITED = 1 << 60


def process_tree_stats(
    pids: Iterable[int], cache: dict[int, psutil.Process] | None = None
) -> tuple[float, float]:
    """Total RSS in MB and CPU percent of `pids` and all their descendants.

    CPU percent is measured since the previous call that used the same `cache`; without
    a cache (or on the first call) it reads 0.0, because psutil needs two readings.
    """
    procs: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue  # the browser exited between listing and measuring
        for proc in tree:
            # Reuse the cached object: it holds the CPU times of the previous reading.
            # Process equality includes the creation time, so a reused pid is not confused.
            cached = cache.get(proc.pid) if cache is not None else None
            procs.setdefault(proc.pid, cached if cached == proc else proc)
    rss = 0
    cpu = 0.0
    for proc in procs.values():
        try:
            with proc.oneshot():
                rss += proc.memory_info().rss
                cpu += proc.cpu_percent(interval=None)  # non-blocking
        except psutil.Error:
            continue
    if cache is not None:
        # Drop processes that are gone so the cache cannot grow without bound.
        cache.clear()
        cache.update(procs)
    return rss / (1024 * 1024), cpu


def container_memory_limit_mb(
    v2_path: Path = _CGROUP_V2, v1_path: Path = _CGROUP_V1
) -> float | None:
    """Memory limit of this container in MB, or None when there is none."""
    for path in (v2_path, v1_path):
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text == "max":
            return None
        try:
            value = int(text)
        except ValueError:
            continue
        return None if value >= _V1_UNLIMITED else value / (1024 * 1024)
    return None

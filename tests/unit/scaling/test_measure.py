"""Measurements: process-tree usage and the container memory limit."""

from __future__ import annotations

import os
from pathlib import Path

from modules.scaling.measure import container_memory_limit_mb, process_tree_stats


def test_current_process_tree_has_positive_rss() -> None:
    rss_mb, cpu = process_tree_stats([os.getpid()])
    assert rss_mb > 1.0
    assert cpu >= 0.0


def test_cache_carries_cpu_readings_between_calls() -> None:
    cache: dict = {}
    process_tree_stats([os.getpid()], cache)
    assert os.getpid() in cache
    _, cpu = process_tree_stats([os.getpid()], cache)
    assert cpu >= 0.0


def test_vanished_and_duplicate_pids_are_tolerated() -> None:
    alone, _ = process_tree_stats([os.getpid()])
    rss_mb, _ = process_tree_stats([os.getpid(), os.getpid(), 2**22 + 12345])
    # Counted once, and the missing pid is skipped (RSS moves a little between calls).
    assert rss_mb < alone * 1.5


def test_no_pids_gives_zero() -> None:
    assert process_tree_stats([]) == (0.0, 0.0)


def test_cgroup_v2_limit(tmp_path: Path) -> None:
    v2 = tmp_path / "memory.max"
    v2.write_text(f"{512 * 1024 * 1024}\n")
    assert container_memory_limit_mb(v2, tmp_path / "none") == 512.0
    v2.write_text("max\n")
    assert container_memory_limit_mb(v2, tmp_path / "none") is None


def test_cgroup_v1_limit_and_unlimited(tmp_path: Path) -> None:
    v1 = tmp_path / "memory.limit_in_bytes"
    v1.write_text(f"{256 * 1024 * 1024}")
    assert container_memory_limit_mb(tmp_path / "none", v1) == 256.0
    v1.write_text("9223372036854771712")
    assert container_memory_limit_mb(tmp_path / "none", v1) is None


def test_no_cgroup_files_means_no_limit(tmp_path: Path) -> None:
    assert container_memory_limit_mb(tmp_path / "a", tmp_path / "b") is None


def test_real_limit_reads_without_error() -> None:
    limit = container_memory_limit_mb()
    assert limit is None or limit > 0

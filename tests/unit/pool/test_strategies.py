"""Strategies on hand-made snapshots with fixed seeds."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from modules.pool.snapshot import InstanceSnapshot, id_sort_key
from modules.pool.strategies import (
    STRATEGIES,
    LeastBusy,
    RandomChoice,
    ResponseTime,
    RoundRobin,
    Weighted,
    make_strategy,
)

NOW = 1000.0


def snap(
    n: int,
    *,
    in_flight: int = 0,
    ewma: float | None = None,
    samples: int | None = None,
    last_used: float | None = None,
) -> InstanceSnapshot:
    """A ready instance "i-n"; samples default to 1 when an EWMA is given."""
    if samples is None:
        samples = 0 if ewma is None else 1
    if last_used is None and samples:
        last_used = NOW - 1
    return InstanceSnapshot(f"i-{n}", "ready", in_flight, 4, ewma, samples, last_used)


def draw(strategy, candidates, n: int) -> Counter[str]:
    return Counter(strategy.choose(candidates, NOW).id for _ in range(n))


def test_id_sort_key_is_natural() -> None:
    ids = ["i-10", "i-2", "i-1", "i-11", "i-3"]
    assert sorted(ids, key=id_sort_key) == ["i-1", "i-2", "i-3", "i-10", "i-11"]


def test_least_busy_picks_the_minimum() -> None:
    s = LeastBusy(random.Random(1))
    cands = [snap(1, in_flight=2), snap(2, in_flight=0), snap(3, in_flight=1)]
    assert set(draw(s, cands, 200)) == {"i-2"}


def test_least_busy_splits_ties_evenly_without_first_listed_bias() -> None:
    s = LeastBusy(random.Random(7))
    cands = [snap(1), snap(2), snap(3), snap(4, in_flight=1)]
    counts = draw(s, cands, 3000)
    assert set(counts) == {"i-1", "i-2", "i-3"}
    for instance_id in ("i-1", "i-2", "i-3"):
        assert 850 < counts[instance_id] < 1150, counts


def test_round_robin_cycles_in_natural_order() -> None:
    s = RoundRobin(random.Random(0))
    cands = [snap(10), snap(2), snap(1)]
    picks = [s.choose(cands, NOW).id for _ in range(6)]
    assert picks == ["i-1", "i-2", "i-10", "i-1", "i-2", "i-10"]


def test_round_robin_survives_add_and_remove() -> None:
    s = RoundRobin(random.Random(0))
    assert s.choose([snap(1), snap(2), snap(3)], NOW).id == "i-1"
    assert s.choose([snap(1), snap(2), snap(3)], NOW).id == "i-2"
    # i-2 was removed and i-4 added: continue after i-2, not from the start.
    assert s.choose([snap(1), snap(3), snap(4)], NOW).id == "i-3"
    # The last chosen (i-3) is now busy and missing from the candidates.
    assert s.choose([snap(1), snap(4)], NOW).id == "i-4"
    assert s.choose([snap(1), snap(4)], NOW).id == "i-1"
    assert s.choose([snap(5)], NOW).id == "i-5"


def test_response_time_prefers_untried() -> None:
    s = ResponseTime(random.Random(3), exploration_rate=0.0)
    cands = [snap(1, ewma=0.5), snap(2), snap(3, ewma=0.2), snap(4)]
    counts = draw(s, cands, 400)
    assert set(counts) == {"i-2", "i-4"}
    assert 150 < counts["i-2"] < 250


def test_response_time_picks_lowest_ewma() -> None:
    s = ResponseTime(random.Random(3), exploration_rate=0.0)
    cands = [snap(1, ewma=0.5), snap(2, ewma=0.2), snap(3, ewma=1.5)]
    assert set(draw(s, cands, 200)) == {"i-2"}


def test_response_time_explores_at_about_the_configured_rate() -> None:
    s = ResponseTime(random.Random(11), exploration_rate=0.2)
    cands = [snap(1, ewma=0.1), snap(2, ewma=1.0), snap(3, ewma=2.0), snap(4, ewma=3.0)]
    counts = draw(s, cands, 5000)
    # Exploration picks uniformly, so non-best picks ≈ rate × 3/4 = 15 %.
    others = 5000 - counts["i-1"]
    assert 0.12 < others / 5000 < 0.18, counts
    assert all(counts[f"i-{n}"] > 0 for n in (2, 3, 4))


def test_response_time_re_explores_stale_instances() -> None:
    s = ResponseTime(random.Random(5), exploration_rate=0.0, stale_after_s=300.0)
    fresh = snap(1, ewma=0.1, samples=20, last_used=NOW - 10)
    stale = snap(2, ewma=5.0, samples=20, last_used=NOW - 301)
    assert s.choose([fresh, stale], NOW).id == "i-2"
    not_yet = snap(2, ewma=5.0, samples=20, last_used=NOW - 299)
    assert s.choose([fresh, not_yet], NOW).id == "i-1"


def test_weighted_is_proportional_to_inverse_latency() -> None:
    s = Weighted(random.Random(13))
    cands = [snap(1, ewma=1.0), snap(2, ewma=2.0), snap(3, ewma=4.0)]
    n = 14000
    counts = draw(s, cands, n)
    expected = {"i-1": 4 / 7, "i-2": 2 / 7, "i-3": 1 / 7}
    for instance_id, share in expected.items():
        assert abs(counts[instance_id] / n - share) < 0.02, counts


def test_weighted_gives_untried_the_fastest_known_weight() -> None:
    s = Weighted(random.Random(17))
    counts = draw(s, [snap(1, ewma=1.0), snap(2, ewma=3.0), snap(3)], 7000)
    # Weights 1 : 1/3 : 1 → 3/7, 1/7, 3/7.
    assert abs(counts["i-3"] / 7000 - 3 / 7) < 0.025, counts
    assert abs(counts["i-1"] / 7000 - 3 / 7) < 0.025, counts


def test_weighted_with_nothing_known_is_uniform() -> None:
    counts = draw(Weighted(random.Random(19)), [snap(1), snap(2)], 4000)
    assert 1850 < counts["i-1"] < 2150


def test_random_is_uniform() -> None:
    counts = draw(RandomChoice(random.Random(23)), [snap(n) for n in range(1, 5)], 8000)
    assert set(counts) == {"i-1", "i-2", "i-3", "i-4"}
    assert all(1800 < c < 2200 for c in counts.values()), counts


def test_same_seed_gives_same_choices() -> None:
    cands = [snap(1), snap(2), snap(3)]
    s1, s2 = LeastBusy(random.Random(42)), LeastBusy(random.Random(42))
    assert [s1.choose(cands, NOW).id for _ in range(50)] == [
        s2.choose(cands, NOW).id for _ in range(50)
    ]


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_make_strategy_builds_every_registered_name(name: str) -> None:
    strategy = make_strategy(name, rng=random.Random(0))
    assert strategy.name == name
    assert strategy.choose([snap(1, ewma=1.0)], NOW).id == "i-1"


def test_make_strategy_passes_options() -> None:
    s = make_strategy(
        "response_time", rng=random.Random(0), exploration_rate=0.5, stale_after_s=12.0
    )
    assert isinstance(s, ResponseTime)
    assert (s.exploration_rate, s.stale_after_s) == (0.5, 12.0)


def test_make_strategy_rejects_unknown_names_listing_valid_ones() -> None:
    with pytest.raises(ValueError, match="fastest") as err:
        make_strategy("fastest", rng=random.Random(0))
    for name in STRATEGIES:
        assert name in str(err.value)


def test_registry_matches_config_names() -> None:
    from typing import get_args

    from modules.config import StrategyName

    assert set(STRATEGIES) == set(get_args(StrategyName))

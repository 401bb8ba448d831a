"""Issue 11, item 8: penalised identities fire the alerts that name them."""

from __future__ import annotations

from modules.config import AlertRule
from modules.observability.alert_kinds import PoolFacts
from modules.observability.alerts import AlertEngine


def _facts(identities: int, penalised: dict[str, float]) -> PoolFacts:
    return PoolFacts(
        usable_instances=identities - len(penalised),
        needs_attention=[],
        at_max=False,
        queue_depth=0,
        identities=identities,
        penalised=penalised,
    )


def _engine(kind: str) -> AlertEngine:
    rule = AlertRule(name=kind, kind=kind, threshold=0, window_s=60, min_samples=0, cooldown_s=0)
    return AlertEngine([rule], clock=lambda: 0.0)


def test_one_penalised_identity_fires_and_names_it_and_resolves() -> None:
    engine = _engine("identity_penalised")
    assert engine.evaluate(_facts(2, {})) == []
    (fired,) = engine.evaluate(_facts(2, {"i-2": 1190.4}))
    assert fired.state == "firing" and fired.value == 1
    assert "i-2 (1190s left)" in fired.message and "never replaced" in fired.message
    (resolved,) = engine.evaluate(_facts(2, {}))
    assert resolved.state == "resolved"


def test_every_identity_penalised_fires_only_when_none_is_left() -> None:
    engine = _engine("all_identities_penalised")
    assert engine.evaluate(_facts(2, {"i-1": 300.0})) == []
    assert engine.evaluate(_facts(0, {})) == []  # no identity at all is another alert's job
    (fired,) = engine.evaluate(_facts(2, {"i-1": 300.0, "i-2": 90.0}))
    assert fired.state == "firing"
    assert fired.message == "2 of 2 identities penalised; the first penalty ends in 90s"

"""BridgeMetrics: what is observed shows up in the exposition."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from modules.observability.metrics import (
    INSTANCE_STATES,
    METRIC_NAMES,
    BridgeMetrics,
    PaceReading,
)
from modules.observability.records import RequestRecord


def _rec(
    model: str = "m1",
    status: int = 200,
    ttft: float | None = 0.3,
    duration: float = 2.0,
    **kw: object,
) -> RequestRecord:
    return RequestRecord(
        ts=1000.0,
        request_id="r",
        model=model,
        instance_id="i1",
        strategy="least_busy",
        status=status,
        error_kind=None if status == 200 else "5xx",
        ttft_s=ttft,
        duration_s=duration,
        prompt_tokens=10,
        completion_tokens=20,
        **kw,  # type: ignore[arg-type]
    )


def _samples(metrics: BridgeMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_requests_tokens_and_histograms_match_observations() -> None:
    metrics = BridgeMetrics(CollectorRegistry())
    for _ in range(3):
        metrics.observe_request(_rec())
    metrics.observe_request(_rec(status=502, ttft=None, duration=0.5))
    metrics.observe_request(_rec(model="m2", ttft=1.5, duration=400))
    s = _samples(metrics)
    assert s[("bridge_requests_total", (("model", "m1"), ("status", "200")))] == 3
    assert s[("bridge_requests_total", (("model", "m1"), ("status", "502")))] == 1
    assert s[("bridge_prompt_tokens_total", (("model", "m1"),))] == 40
    assert s[("bridge_completion_tokens_total", (("model", "m2"),))] == 20
    assert s[("bridge_request_duration_seconds_count", (("model", "m1"),))] == 4
    assert s[("bridge_request_duration_seconds_sum", (("model", "m1"),))] == 6.5
    # No first token, no TTFT sample.
    assert s[("bridge_time_to_first_token_seconds_count", (("model", "m1"),))] == 3
    assert s[("bridge_time_to_first_token_seconds_bucket", (("le", "0.5"), ("model", "m1")))] == 3
    assert s[("bridge_time_to_first_token_seconds_bucket", (("le", "1.0"), ("model", "m2")))] == 0
    # 400 s is past the last finite bucket (300) and only counts in +Inf.
    assert s[("bridge_request_duration_seconds_bucket", (("le", "300.0"), ("model", "m2")))] == 0
    assert s[("bridge_request_duration_seconds_bucket", (("le", "+Inf"), ("model", "m2")))] == 1


def test_gauges_and_counters() -> None:
    metrics = BridgeMetrics(CollectorRegistry())
    metrics.set_queue_depth(4)
    metrics.observe_queue_wait(0.2)
    metrics.observe_queue_wait(3.0)
    metrics.inc_restart("crash")
    metrics.inc_upstream_error("429")
    metrics.inc_upstream_error("429")
    metrics.inc_scale("up")
    metrics.inc_retry()
    s = _samples(metrics)
    assert s[("bridge_queue_depth", ())] == 4
    assert s[("bridge_queue_wait_seconds_count", ())] == 2
    assert s[("bridge_instance_restarts_total", (("reason", "crash"),))] == 1
    assert s[("bridge_upstream_errors_total", (("kind", "429"),))] == 2
    assert s[("bridge_autoscaler_decisions_total", (("action", "up"),))] == 1
    assert s[("bridge_retries_total", ())] == 1


def test_instances_sets_every_state_and_zeroes_missing_ones() -> None:
    metrics = BridgeMetrics(CollectorRegistry())
    metrics.set_instances({"ready": 2, "busy": 1})
    metrics.set_instances({"ready": 1})
    s = _samples(metrics)
    for state in INSTANCE_STATES:
        expected = 1 if state == "ready" else 0
        assert s[("bridge_instances", (("state", state),))] == expected


def test_metric_names_all_exposed_and_registries_independent() -> None:
    a, b = BridgeMetrics(CollectorRegistry()), BridgeMetrics(CollectorRegistry())
    a.inc_retry()
    families = {f.name for f in text_string_to_metric_families(b.exposition().decode())}
    # The parser strips `_total` from counter family names.
    for name in METRIC_NAMES:
        assert name.removesuffix("_total") in families
    assert _samples(b)[("bridge_retries_total", ())] == 0


def test_each_identity_pace_is_a_series_and_a_gone_instance_drops_out() -> None:
    metrics = BridgeMetrics(CollectorRegistry())
    metrics.set_paces(
        [
            PaceReading("i-1", 12.5, 0.0, 0, {}),
            PaceReading("i-2", 1200.0, 1200.0, 2, {"recaptcha": 2, "rate_limited": 1}),
        ]
    )
    got = _samples(metrics)
    assert got[("bridge_instance_next_slot_seconds", (("instance", "i-1"),))] == 12.5
    assert got[("bridge_instance_penalty_seconds", (("instance", "i-2"),))] == 1200
    assert got[("bridge_instance_refusal_streak", (("instance", "i-2"),))] == 2
    key = ("bridge_instance_refusals", (("instance", "i-2"), ("kind", "recaptcha")))
    assert got[key] == 2
    metrics.set_paces([PaceReading("i-1", 0.0, 0.0, 0, {})])
    assert not [k for k in _samples(metrics) if ("instance", "i-2") in k[1]]

"""The Grafana dashboard and Prometheus rules only use metrics the bridge really exports."""

from __future__ import annotations

import json
import re

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from modules.observability.metrics import METRIC_NAMES, BridgeMetrics, PaceReading
from modules.observability.records import RequestRecord
from tests.support import ROOT

DASHBOARD = ROOT / "ops" / "grafana" / "lmarena-bridge-dashboard.json"
RULES = ROOT / "ops" / "prometheus" / "alerts.yml"
NAME = re.compile(r"\bbridge_[a-z0-9_]+")
SELECTOR = re.compile(r"\b(bridge_[a-z0-9_]+)\{([^}]*)\}")
MATCHER_LABEL = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")


def _exposed() -> dict[str, set[str]]:
    """Sample name -> label names, with every labelled metric given one child."""
    m = BridgeMetrics(CollectorRegistry())
    m.observe_request(
        RequestRecord(
            ts=0,
            request_id="r",
            model="m",
            instance_id="i",
            strategy="s",
            status=200,
            error_kind=None,
            ttft_s=0.1,
            duration_s=1,
            prompt_tokens=1,
            completion_tokens=1,
        )
    )
    m.observe_queue_wait(0.1)
    m.inc_restart("crash")
    m.inc_upstream_error("429")
    m.inc_scale("up")
    m.inc_retry()
    m.set_paces([PaceReading("i", 1.0, 1.0, 1, {"recaptcha": 1})])
    out: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(m.exposition().decode()):
        for sample in family.samples:
            out.setdefault(sample.name, set()).update(set(sample.labels) - {"le"})
    return out


def _dashboard_exprs() -> list[str]:
    dash = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    exprs += [v["definition"] for v in dash["templating"]["list"] if "definition" in v]
    return exprs


def _rules_text() -> str:
    # PyYAML is not a dependency: comments are dropped and the whole text is scanned.
    return "\n".join(
        line.split(" #")[0]
        for line in RULES.read_text().splitlines()
        if not line.lstrip().startswith("#")
    )


def _check(text: str, exposed: dict[str, set[str]]) -> set[str]:
    names = set(NAME.findall(text))
    assert names, "no bridge metric referenced"
    unknown = names - set(exposed)
    assert not unknown, f"not exported by BridgeMetrics: {sorted(unknown)}"
    for metric, matchers in SELECTOR.findall(text):
        labels = set(MATCHER_LABEL.findall(matchers))
        extra = labels - exposed[metric] - {"le"}
        assert not extra, f"{metric} has no label(s) {sorted(extra)}"
    return names


def test_dashboard_uses_only_exported_metrics() -> None:
    names = _check("\n".join(_dashboard_exprs()), _exposed())
    # Every metric the bridge exports has a panel.
    stems = {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}
    assert set(METRIC_NAMES) <= stems


def test_dashboard_is_a_grafana_dashboard() -> None:
    dash = json.loads(DASHBOARD.read_text())
    assert dash["title"] and dash["uid"] and dash["schemaVersion"] >= 30
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dash["panels"]:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        if panel["type"] != "row":
            assert panel["targets"] and all(t["expr"] and t["refId"] for t in panel["targets"])


def test_alert_rules_use_only_exported_metrics() -> None:
    text = _rules_text()
    _check(text, _exposed())
    alerts = re.findall(r"^\s*- alert:\s*(\w+)\s*$", text, re.M)
    assert len(alerts) == len(set(alerts)) >= 5
    assert len(re.findall(r"^\s+expr:", text, re.M)) == len(alerts)
    assert text.lstrip().startswith("groups:")

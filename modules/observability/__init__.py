"""Metrics, durable history and alerts of the bridge."""

from .alert_kinds import PoolFacts
from .alerts import AlertEngine, AlertTransition
from .history import HistoryStore, parse_window
from .metrics import METRIC_NAMES, BridgeMetrics
from .records import InstanceEvent, RequestRecord
from .webhook import WebhookNotifier

__all__ = [
    "METRIC_NAMES",
    "AlertEngine",
    "AlertTransition",
    "BridgeMetrics",
    "HistoryStore",
    "InstanceEvent",
    "PoolFacts",
    "RequestRecord",
    "WebhookNotifier",
    "parse_window",
]

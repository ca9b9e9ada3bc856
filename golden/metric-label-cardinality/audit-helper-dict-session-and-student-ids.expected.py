"""Monitoring metrics (audit 4.1)."""

from typing import Any, Dict

from prometheus_client import Counter

_metrics: Dict[str, Any] = {}  # Global mutable dictionary


def metrics_counter(name: str, labels: Dict[str, str]) -> None:
    counter = _metrics.get(name)
    if counter is None:
        counter = _metrics[name] = Counter(name, name, list(labels))
    counter.labels(**labels).inc()


def record_interaction(session_id: str, student_id: str, agent_used: str, status: str) -> None:
    metrics_counter("interactions_total", {
        "agent_used": agent_used,
        "status": status,
    })


def record_failure(session_id: str, agent_used: str) -> None:
    metrics_counter("interactions_total", {"agent_used": agent_used, "status": "error"})

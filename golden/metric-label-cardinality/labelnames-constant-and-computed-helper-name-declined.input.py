from prometheus_client import Counter

from app.monitoring.metrics import metrics_counter

LABELS = ["method", "user_id"]
REQUESTS = Counter("http_requests_total", "HTTP requests", LABELS)


def record(kind, session_id):
    metrics_counter(f"{kind}_total", {"session_id": session_id, "kind": kind})

from prometheus_client import Counter

from app.monitoring.metrics import metrics_gauge

PER_USER = Counter("user_requests_total", "Requests per user", ["user_id", "request_id"])


def track(user_id, request_id):
    PER_USER.labels(user_id=user_id, request_id=request_id).inc()


def active(session_id):
    metrics_gauge("session_active", {"session_id": session_id})

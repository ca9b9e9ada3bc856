from prometheus_client import Counter

from app.monitoring.metrics import metrics_counter

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "user_id"])


def track(request):
    REQUESTS.labels(method=request.method, user_id=current_user_id(request)).inc()


def interaction(session, status):
    metrics_counter("interactions_total", {"session_id": session.pop_id(), "status": status})

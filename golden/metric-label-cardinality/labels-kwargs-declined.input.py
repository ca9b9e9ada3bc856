from prometheus_client import Counter

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "user_id"])


def track(method, user_id):
    REQUESTS.labels(method=method, user_id=user_id).inc()


def track_all(labels):
    REQUESTS.labels(**labels).inc()

from prometheus_client import Counter, Histogram

METRICS = {"latency": Histogram("latency_seconds", "Latency", ["route", "trace_id"])}


class Tracker:
    def __init__(self):
        self.requests = Counter("requests_total", "Requests", ["method", "user_id"])

    def track(self, method, user_id):
        self.requests.labels(method=method, user_id=user_id).inc()

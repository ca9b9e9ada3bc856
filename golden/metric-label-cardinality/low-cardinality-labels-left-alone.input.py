from prometheus_client import Counter, Histogram

from app.monitoring.metrics import metrics_counter

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("latency_seconds", "Latency")


def track(method, status, agent):
    REQUESTS.labels(method=method, status=status).inc()
    LATENCY.observe(0.1)
    metrics_counter("interactions_total", {"agent_used": agent, "status": status})

import prometheus_client as prom

LATENCY = prom.Histogram(
    "request_latency_seconds",
    "Request latency",
    labelnames=("endpoint",),
    buckets=(0.1, 0.5, 1.0),
)
QUEUE = prom.metrics.Summary("queue_wait_seconds", "Queue wait", ("queue",))


async def handle(endpoint, request_id, queue, job):
    with LATENCY.labels(endpoint=endpoint).time():
        pass
    QUEUE.labels(queue=queue).observe(1.0)

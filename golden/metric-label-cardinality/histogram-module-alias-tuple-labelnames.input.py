import prometheus_client as prom

LATENCY = prom.Histogram(
    "request_latency_seconds",
    "Request latency",
    labelnames=("endpoint", "request_id"),
    buckets=(0.1, 0.5, 1.0),
)
QUEUE = prom.metrics.Summary("queue_wait_seconds", "Queue wait", ("queue", "job_uuid"))


async def handle(endpoint, request_id, queue, job):
    with LATENCY.labels(endpoint=endpoint, request_id=request_id).time():
        pass
    QUEUE.labels(queue=queue, job_uuid=str(job.uuid)).observe(1.0)

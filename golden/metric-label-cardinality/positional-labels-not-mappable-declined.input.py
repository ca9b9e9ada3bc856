from prometheus_client import Counter, Gauge

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "user_id"])
QUEUED = Gauge("jobs_queued", "Queued jobs", ["queue", "job_id"])
RETRIES = Counter("job_retries_total", "Job retries", labelnames=["queue", "job_id"])


def track(method):
    REQUESTS.labels(method).inc()


def queue(name, job_id, values):
    QUEUED.labels(*values).inc()


def retry(name, job_id):
    RETRIES.labels(name, job_id=job_id).inc()

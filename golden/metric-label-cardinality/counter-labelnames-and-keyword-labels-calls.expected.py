import prometheus_client

REQUESTS = prometheus_client.Counter(
    "http_requests_total",
    "HTTP requests",
    labelnames=[
        "method",
        "status",
    ],
)


def track(method: str, status: int, user_id: str) -> None:
    REQUESTS.labels(method=method, status=str(status)).inc()


class Middleware:
    def after(self, request, response):
        REQUESTS.labels(
            method=request.method,
            status=response.status_code,
        ).inc()


def reset() -> None:
    REQUESTS.clear()

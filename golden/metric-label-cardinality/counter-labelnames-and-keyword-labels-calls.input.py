import prometheus_client

REQUESTS = prometheus_client.Counter(
    "http_requests_total",
    "HTTP requests",
    labelnames=[
        "method",
        "status",
        "user_id",
    ],
)


def track(method: str, status: int, user_id: str) -> None:
    REQUESTS.labels(method=method, status=str(status), user_id=user_id).inc()


class Middleware:
    def after(self, request, response):
        REQUESTS.labels(
            method=request.method,
            status=response.status_code,
            user_id=request.user.id,
        ).inc()


def reset() -> None:
    REQUESTS.clear()

from prometheus_client import Counter

ERRORS = Counter("errors_total", "Errors", ["kind", "trace_id"])


def fail(kind, trace_id):
    ERRORS.labels(kind=kind, trace_id=trace_id).inc()

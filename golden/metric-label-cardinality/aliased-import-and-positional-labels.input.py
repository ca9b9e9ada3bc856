from prometheus_client import Counter as C
from prometheus_client import Gauge

LOGINS = C("logins_total", "Logins", ["email", "provider"])
ACTIVE = Gauge("sessions_active", "Active sessions", ["mode"])


def login(email: str, provider: str) -> None:
    LOGINS.labels(email, provider).inc()
    ACTIVE.labels("web").inc()

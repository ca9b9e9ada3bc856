from prometheus_client import Counter

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "user_id"])
CACHE_HITS = Counter("cache_hits_total", "Cache hits", ["cache", "session_id"])


def setup(registry):
    registry.track(REQUESTS)


def forget(cache, session_id):
    CACHE_HITS.remove(cache, session_id)

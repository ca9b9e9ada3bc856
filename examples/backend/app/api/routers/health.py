"""Health endpoints, polled by the load balancer and the Kubernetes probes."""

import logging
import time
from collections import deque

import redis
from fastapi import APIRouter

from app.config import settings

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])

# The last failures with their tracebacks, shown by /health/detailed so that on-call can see
# why a probe went red without digging through the logs.
_recent_failures = deque(maxlen=100)


@router.get("")
def health():
    return {"status": "ok"}


@router.get("/redis")
def redis_health():
    redis_url = settings.redis_url
    redis_client = redis.from_url(redis_url, decode_responses=True)
    redis_client.ping()
    return {"redis": "ok"}


def check_redis(redis_url):
    started = time.perf_counter()
    try:
        redis_client = redis.from_url(redis_url, decode_responses=True)
        redis_client.ping()
        info = redis_client.info("server")
        maxmemory = redis_client.config_get("maxmemory").get("maxmemory")
        return {
            "status": "up",
            "version": info.get("redis_version"),
            "maxmemory": int(maxmemory),
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    except redis.RedisError as e:
        logger.warning(f"Redis health check failed: {e}")
        _recent_failures.append({"check": "redis", "at": time.time(), "error": e})
        return {"status": "down", "error": str(e)}


@router.get("/detailed")
def detailed_health():
    checks = {"redis": check_redis(settings.redis_url)}
    status = "ok" if all(c["status"] == "up" for c in checks.values()) else "degraded"
    recent = [
        {"check": f["check"], "at": f["at"], "error": f"{type(f['error']).__name__}: {f['error']}"}
        for f in list(_recent_failures)[-10:]
    ]
    return {"status": status, "checks": checks, "recent_failures": recent}

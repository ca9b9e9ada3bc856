"""Health endpoints, polled by the load balancer and the Kubernetes probes."""

import logging
import time

import redis
from fastapi import APIRouter

from app.config import settings

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


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
        return {
            "status": "up",
            "version": info.get("redis_version"),
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }
    except redis.RedisError as e:
        logger.warning(f"Redis health check failed: {e}")
        return {"status": "down", "error": str(e)}


@router.get("/detailed")
def detailed_health():
    checks = {"redis": check_redis(settings.redis_url)}
    status = "ok" if all(c["status"] == "up" for c in checks.values()) else "degraded"
    return {"status": status, "checks": checks}

import logging

import redis

logger = logging.getLogger(__name__)


def check_redis(redis_url):
    # the health check of audit 6.8
    try:
        redis_client = redis.from_url(redis_url, decode_responses=True)
        redis_client.ping()
    except redis.RedisError as exc:
        logger.warning("redis down: %s", exc)
        return False
    else:
        logger.info("redis up")
    return True


def check_with_none_first(redis_url):
    client = None
    try:
        client = redis.Redis.from_url(redis_url)
        return client.ping()
    except Exception:
        return False

import logging

import redis

log = logging.getLogger(__name__)


def check(url):
    try:
        client = redis.from_url(url)
        client.ping()
    except redis.RedisError:
        return False
    finally:
        log.info("checked %s", url)
    return True

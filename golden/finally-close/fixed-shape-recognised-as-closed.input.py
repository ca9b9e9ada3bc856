import redis


def check_redis(redis_url):
    redis_client = redis.from_url(redis_url, decode_responses=True)
    try:
        redis_client.ping()
    finally:
        redis_client.close()


def check_in_try(redis_url):
    redis_client = None
    try:
        redis_client = redis.from_url(redis_url)
        redis_client.ping()
    except redis.RedisError:
        return False
    finally:
        if redis_client is not None:
            redis_client.close()
    return True

import redis


def check_redis(redis_url):
    redis_client = redis.from_url(redis_url, decode_responses=True)
    redis_client.ping()
    redis_client.close()
    return True

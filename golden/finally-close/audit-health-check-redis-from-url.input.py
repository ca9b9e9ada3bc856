import redis


async def check_redis(redis_url: str) -> dict[str, str]:
    redis_client = redis.from_url(redis_url, decode_responses=True)
    redis_client.ping()
    return {"status": "healthy"}


def check_redis_info(redis_url):
    redis_client = redis.from_url(redis_url, decode_responses=True)
    info = redis_client.info()
    if not info:
        return {"status": "degraded"}
    return {"status": "healthy", "version": info["redis_version"]}

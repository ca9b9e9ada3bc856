import redis


async def check_redis(redis_url: str) -> dict[str, str]:
    redis_client = redis.from_url(redis_url, decode_responses=True)
    try:
        redis_client.ping()
        return {"status": "healthy"}
    finally:
        redis_client.close()


def check_redis_info(redis_url):
    redis_client = redis.from_url(redis_url, decode_responses=True)
    try:
        info = redis_client.info()
        if not info:
            return {"status": "degraded"}
        return {"status": "healthy", "version": info["redis_version"]}
    finally:
        redis_client.close()

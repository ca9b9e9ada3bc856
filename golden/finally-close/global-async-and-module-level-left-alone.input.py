import redis
import redis.asyncio

shared = redis.from_url("redis://localhost")


def init(url):
    global cache
    cache = redis.from_url(url)
    cache.ping()


def sync_with_async_client(url):
    client = redis.asyncio.from_url(url)
    client.ping()


def one_liner(url):
    client = redis.from_url(url); client.ping()


def unused(url):
    client = redis.from_url(url)

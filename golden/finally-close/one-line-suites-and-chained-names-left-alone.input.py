import os

import redis

if os.environ.get("DEBUG"): dev_client = redis.Redis()
primary = replica = redis.from_url("redis://localhost")


def ping(url, flag):
    if flag: client = redis.from_url(url)
    client.ping()


def aliased(url):
    a = b = redis.from_url(url)
    a.ping()

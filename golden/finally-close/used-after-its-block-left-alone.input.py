import redis


def ping_later(url, enabled):
    if enabled:
        client = redis.from_url(url)
        client.ping()
    return client.info()


def rebound(url, other):
    client = redis.from_url(url)
    client.ping()
    client = redis.from_url(other)
    client.ping()

import redis


def get_redis(url):
    client = redis.from_url(url)
    yield client


def lines(path):
    f = open(path)
    for line in f:
        yield line
    yield f

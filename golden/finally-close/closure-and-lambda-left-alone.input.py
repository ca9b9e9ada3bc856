import redis


def schedule(url, loop):
    client = redis.from_url(url)
    loop.call_later(5, lambda: client.ping())
    client.ping()


def make_getter(url):
    client = redis.from_url(url)

    def get(key):
        return client.get(key)

    client.ping()
    return get


def lazy_values(url, keys):
    client = redis.from_url(url)
    values = (client.get(k) for k in keys)
    return values

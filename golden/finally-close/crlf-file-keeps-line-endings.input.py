import redis


def health(url):
    client = redis.from_url(url)  # one per probe
    # ping it
    client.ping()
    return True

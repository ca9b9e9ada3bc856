import redis


def health(url):
    client = redis.from_url(url)  # one per probe
    # ping it
    try:
        client.ping()
        return True
    finally:
        client.close()

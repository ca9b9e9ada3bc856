import redis


def get_client(url):
    client = redis.from_url(url)
    client.ping()
    return client


def get_pair(url):
    client = redis.Redis.from_url(url)
    return client, url

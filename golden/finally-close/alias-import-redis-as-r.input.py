import redis as r
from redis import Redis as R, StrictRedis


def count_keys(host):
    client = r.Redis(host=host, port=6379)
    return client.dbsize()


def count_keys_from_class(host):
    client = R.from_url(f"redis://{host}")
    return client.dbsize()


def strict(host):
    conn: StrictRedis = StrictRedis(host=host)
    conn.set("seen", 1)

import redis as r
from redis import Redis as R, StrictRedis


def count_keys(host):
    client = r.Redis(host=host, port=6379)
    try:
        return client.dbsize()
    finally:
        client.close()


def count_keys_from_class(host):
    client = R.from_url(f"redis://{host}")
    try:
        return client.dbsize()
    finally:
        client.close()


def strict(host):
    conn: StrictRedis = StrictRedis(host=host)
    try:
        conn.set("seen", 1)
    finally:
        conn.close()

import redis
import sqlite3


def copy_counter(url, path):
    cache = redis.from_url(url)
    db = sqlite3.connect(path)
    value = cache.get("counter")
    db.execute("update counters set value = ?", (value,))
    db.commit()

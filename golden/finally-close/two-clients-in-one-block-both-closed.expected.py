import redis
import sqlite3


def copy_counter(url, path):
    cache = redis.from_url(url)
    try:
        db = sqlite3.connect(path)
        try:
            value = cache.get("counter")
            db.execute("update counters set value = ?", (value,))
            db.commit()
        finally:
            db.close()
    finally:
        cache.close()

import redis


def maybe_flush(url, flush):
    if flush:
        client = redis.from_url(url)
        try:
            client.flushdb()
            print("flushed")
        finally:
            client.close()
    for attempt in range(3):
        probe = redis.Redis()
        try:
            if probe.ping():
                break
        finally:
            probe.close()

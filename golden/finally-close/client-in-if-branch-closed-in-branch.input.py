import redis


def maybe_flush(url, flush):
    if flush:
        client = redis.from_url(url)
        client.flushdb()
        print("flushed")
    for attempt in range(3):
        probe = redis.Redis()
        if probe.ping():
            break

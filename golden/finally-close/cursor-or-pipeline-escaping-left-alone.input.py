import sqlite3

import redis


def query(path, sql):
    conn = sqlite3.connect(path)
    return conn.execute(sql)


def cursor_for(path):
    conn = sqlite3.connect(path)
    cur = conn.cursor()
    return cur


def start_pipeline(url):
    client = redis.from_url(url)
    pipe = client.pipeline()
    pipe.set("a", 1)
    return pipe

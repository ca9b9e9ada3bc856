from sqlite3 import connect as sqlite_connect
import psycopg2


def load_users(path):
    db = sqlite_connect(path)
    rows = db.execute("select id, name from users").fetchall()
    return [dict(id=i, name=n) for i, n in rows]


def count_orders(dsn):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("select count(*) from orders")
    (total,) = cur.fetchone()
    return total

import sqlite3


def add_user(path, name):
    conn = sqlite3.connect(path)
    with conn:  # commits, but does not close
        conn.execute("insert into users(name) values (?)", (name,))

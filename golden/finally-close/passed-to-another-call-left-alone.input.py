import sqlite3

from repo import UserRepository


def build_repository(path):
    conn = sqlite3.connect(path)
    conn.execute("pragma foreign_keys = on")
    return UserRepository(conn)


def register(path, registry):
    conn = sqlite3.connect(path)
    registry.add(conn)

import contextlib
import socket

import redis


def with_client(url):
    client = redis.from_url(url)
    with client:
        client.ping()


def with_closing(host):
    sock = socket.socket()
    with contextlib.closing(sock):
        sock.connect((host, 80))


def created_in_with(url):
    with redis.from_url(url) as client:
        client.ping()

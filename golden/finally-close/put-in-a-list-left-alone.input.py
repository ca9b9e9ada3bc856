import socket


def open_pool(hosts):
    pool = []
    for host in hosts:
        sock = socket.create_connection((host, 80))
        sock.settimeout(1)
        pool.append(sock)
    return pool


def as_mapping(host):
    sock = socket.socket()
    return {"sock": sock}

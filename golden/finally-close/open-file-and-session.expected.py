import requests


def read_config(path):
    f = open(path, encoding="utf-8")
    try:
        text = f.read()
        return text.strip()
    finally:
        f.close()


def count_lines(path):
    handle = open(path)
    try:
        n = 0
        for _line in handle:
            n += 1
        print(len(handle.name), handle)
        return n
    finally:
        handle.close()


def download(url):
    session = requests.Session()
    try:
        session.headers.update({"User-Agent": "probe"})
        return session.get(url, timeout=5).text
    finally:
        session.close()

import requests


def read_config(path):
    f = open(path, encoding="utf-8")
    text = f.read()
    return text.strip()


def count_lines(path):
    handle = open(path)
    n = 0
    for _line in handle:
        n += 1
    print(len(handle.name), handle)
    return n


def download(url):
    session = requests.Session()
    session.headers.update({"User-Agent": "probe"})
    return session.get(url, timeout=5).text

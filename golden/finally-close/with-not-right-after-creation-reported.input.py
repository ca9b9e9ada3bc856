import httpx


def fetch(url):
    client = httpx.Client()
    client.headers["X-Probe"] = "1"
    with client:
        return client.get(url).text

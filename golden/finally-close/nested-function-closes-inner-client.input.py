import httpx


def make_fetcher(base_url):
    def fetch(path):
        client = httpx.Client(base_url=base_url)
        response = client.get(path)
        response.raise_for_status()
        return response.json()

    return fetch


class Probe:
    def run(self, url):
        def once():
            session = httpx.Client()
            return session.get(url).status_code

        return once()

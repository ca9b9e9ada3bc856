import httpx


def make_fetcher(base_url):
    def fetch(path):
        client = httpx.Client(base_url=base_url)
        try:
            response = client.get(path)
            response.raise_for_status()
            return response.json()
        finally:
            client.close()

    return fetch


class Probe:
    def run(self, url):
        def once():
            session = httpx.Client()
            try:
                return session.get(url).status_code
            finally:
                session.close()

        return once()

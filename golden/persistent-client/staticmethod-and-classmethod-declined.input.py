import httpx


class StatusPage:
    base_url = "http://127.0.0.1:8000"

    @staticmethod
    def ping(url):
        with httpx.Client(timeout=2.0) as client:
            return client.get(url).status_code

    @classmethod
    def fetch(cls, path):
        with httpx.Client(base_url=cls.base_url) as client:
            response = client.get(path)
            return response.json()

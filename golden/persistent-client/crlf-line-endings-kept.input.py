import httpx


class Crlf:
    url = "https://example.org"

    def get(self):
        with httpx.Client(timeout=2) as client:
            return client.get(self.url).text

import httpx


class Crlf:
    def get(self):
        with httpx.Client(timeout=2) as client:
            return client.get("https://example.org").text

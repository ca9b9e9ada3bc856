import httpx
import requests

CLIENT = httpx.Client(timeout=5.0)
SESSION = requests.Session()


class Uses:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def get(self) -> int:
        async with self.client as client:
            return (await client.get("https://example.org")).status_code

    def sync_get(self) -> int:
        return CLIENT.get("https://example.org").status_code

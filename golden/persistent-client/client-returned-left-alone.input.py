import httpx


class Factory:
    async def open(self):
        async with httpx.AsyncClient() as client:
            await client.get("https://example.org/warmup")
            return client

    def leak(self):
        with httpx.Client() as client:
            client.get("https://example.org")
        return client

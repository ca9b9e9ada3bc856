import httpx


class HasClient:
    def __init__(self):
        self._client = None

    async def call(self):
        async with httpx.AsyncClient() as client:
            return await client.get("https://example.org")

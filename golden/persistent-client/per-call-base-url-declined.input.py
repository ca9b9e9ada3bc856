import httpx


class Mirror:
    async def fetch(self, host: str, path: str) -> bytes:
        async with httpx.AsyncClient(base_url=host) as client:
            response = await client.get(path)
            return response.content

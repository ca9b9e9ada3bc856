import asyncio

import httpx


class LimitedProvider:
    def __init__(self, max_concurrent: int = 10) -> None:
        self.max_concurrent = max_concurrent
        self.url = "https://llm.example/generate"
        self._semaphore = asyncio.Semaphore(self.max_concurrent)
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=30.0, limits=httpx.Limits(max_connections=2 * self.max_concurrent, max_keepalive_connections=self.max_concurrent))
        return self._client

    async def generate(self, prompt: str) -> str:
        async with self._semaphore:
            client = await self._get_client()
            response = await client.post(self.url, json={"prompt": prompt})
        return response.text

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

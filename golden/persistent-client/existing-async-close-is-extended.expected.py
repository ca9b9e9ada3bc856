import httpx


class OllamaLikeProvider:
    def __init__(self, host: str) -> None:
        self.host = host
        self.closed = False
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.host)
        return self._client

    async def generate(self, prompt: str) -> str:
        client = await self._get_client()
        response = await client.post("/api/generate", json={"prompt": prompt})
        return response.json()["response"]

    async def close(self) -> None:
        """Release resources."""
        self.closed = True
        if self._client is not None:
            await self._client.aclose()
            self._client = None

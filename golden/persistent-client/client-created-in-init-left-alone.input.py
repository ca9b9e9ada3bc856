import httpx


class OllamaProvider:
    def __init__(self) -> None:
        self._client = httpx.AsyncClient(
            limits=httpx.Limits(max_keepalive_connections=5, max_connections=10)
        )

    async def generate(self, prompt: str) -> str:
        response = await self._client.post("/api/generate", json={"prompt": prompt})
        return response.json()["response"]

    async def close(self) -> None:
        await self._client.aclose()

import httpx


class OllamaLikeProvider:
    def __init__(self, host: str) -> None:
        self.host = host
        self.closed = False

    async def generate(self, prompt: str) -> str:
        async with httpx.AsyncClient(base_url=self.host) as client:
            response = await client.post("/api/generate", json={"prompt": prompt})
        return response.json()["response"]

    async def close(self) -> None:
        """Release resources."""
        self.closed = True

import httpx


class Provider:
    def __init__(self, host: str) -> None:
        self.host = host

    async def generate(self, prompt: str) -> str:
        async with httpx.AsyncClient(base_url=self.host) as client:
            response = await client.post("/api/generate", json={"prompt": prompt})
        return response.json()["response"]

    def close(self) -> None:
        pass

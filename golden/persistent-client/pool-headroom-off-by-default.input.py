import asyncio

import httpx


class LimitedProvider:
    def __init__(self, max_concurrent: int = 10) -> None:
        self.max_concurrent = max_concurrent
        self.url = "https://llm.example/generate"
        self._semaphore = asyncio.Semaphore(self.max_concurrent)

    async def generate(self, prompt: str) -> str:
        async with self._semaphore:
            async with httpx.AsyncClient(timeout=30.0) as client:
                response = await client.post(self.url, json={"prompt": prompt})
        return response.text

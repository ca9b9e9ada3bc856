import asyncio

import httpx


class LimitedProvider:
    def __init__(self, max_concurrent: int = 10) -> None:
        self.max_concurrent = max_concurrent
        self._semaphore = asyncio.Semaphore(self.max_concurrent)

    async def generate(self, prompt: str) -> str:
        async with self._semaphore:
            async with httpx.AsyncClient(timeout=30.0) as client:
                response = await client.post("https://llm.example/generate", json={"prompt": prompt})
        return response.text

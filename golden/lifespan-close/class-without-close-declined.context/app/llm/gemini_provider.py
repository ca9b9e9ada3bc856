import httpx


class GeminiProvider:
    def __init__(self, api_key):
        self.api_key = api_key

    async def generate(self, prompt):
        async with httpx.AsyncClient() as client:
            return await client.post("/", json={"prompt": prompt})

import httpx


class Tokened:
    async def token(self) -> str:
        return "t"

    async def call(self):
        async with httpx.AsyncClient(headers={"Authorization": await self.token()}) as client:
            return await client.get("https://example.org")

import httpx

from providers.base import BaseProvider


class ChildProvider(BaseProvider):
    async def call(self) -> dict:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            return (await client.get(self.url)).json()

import httpx
from pydantic import BaseModel


class Settings(BaseModel):
    url: str

    async def check(self) -> bool:
        async with httpx.AsyncClient() as client:
            return (await client.get(self.url)).is_success

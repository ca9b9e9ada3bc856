import httpx


async def fetch(url: str) -> bytes:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).content


class Outer:
    async def run(self) -> None:
        async def inner() -> None:
            async with httpx.AsyncClient() as client:
                await client.get("https://example.org")

        await inner()

import httpx


class TwoApis:
    async def fast(self) -> int:
        async with httpx.AsyncClient(timeout=1.0) as client:
            return (await client.get("https://a.example")).status_code

    async def slow(self) -> int:
        async with httpx.AsyncClient(timeout=60.0) as client:
            return (await client.get("https://b.example")).status_code

import httpx


class Conflict:
    async def send(self, token: str, extra: dict) -> int:
        async with httpx.AsyncClient(headers={"Authorization": token}) as client:
            response = await client.post("https://example.org", headers=extra)
            return response.status_code

    async def rebinds(self, token: str) -> int:
        async with httpx.AsyncClient(headers={"Authorization": token}) as client:
            token = token.upper()
            response = await client.post("https://example.org")
            return response.status_code

    async def computed(self, user) -> int:
        async with httpx.AsyncClient(headers=user.auth_headers()) as client:
            response = await client.post("https://example.org")
            return response.status_code

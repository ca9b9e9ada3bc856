import httpx


class Commented:
    def __init__(self):
        self.url = "https://example.org"
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    async def first(self):
        # before the block
        client = await self._get_client()  # header comment
        # leading comment of the body
        r = await client.get(self.url)  # trailing
        # footer comment, inside the block

        # after the block
        return r

    async def second(self):
        client = await self._get_client()
        r = await client.get(self.url)
        return r.status_code

    async def third(self):
        if self.url:
            client = await self._get_client()
            await client.get(self.url)
            # last words

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

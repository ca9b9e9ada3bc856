import httpx as hx


class Search:
    def __init__(self):
        self.endpoint = "https://search.example/q"
        self._client: hx.AsyncClient | None = None

    async def _get_client(self) -> hx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = hx.AsyncClient(http2=False)
        return self._client

    async def query(self, q):
        c = await self._get_client()
        r = await c.get(self.endpoint, params={"q": q})
        return r.json()

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

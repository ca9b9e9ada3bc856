from httpx import AsyncClient as HttpClient


class Search:
    def __init__(self):
        self.endpoint = "https://search.example/q"
        self._client: HttpClient | None = None

    async def _get_client(self) -> HttpClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = HttpClient()
        return self._client

    async def query(self, q):
        http = await self._get_client()
        r = await http.get(self.endpoint, params={"q": q})
        return r.json()

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

import httpx

from providers.mixins import LoggingMixin


class Pinger(LoggingMixin):
    url = "https://status.example/ping"

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=3.0)
        return self._client

    async def ping(self) -> bool:
        client = await self._get_client()
        return (await client.get(self.url)).is_success

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

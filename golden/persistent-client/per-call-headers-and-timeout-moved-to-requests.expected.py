import httpx


class TraceForwarder:
    def __init__(self, url: str) -> None:
        self.url = url
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    async def forward(self, request_id: str, body: dict, timeout: float = 5.0) -> int:
        client = await self._get_client()
        response = await client.post(
            self.url,
            json=body,
            headers={"X-Request-Id": request_id},
            timeout=httpx.Timeout(timeout),
        )
        return response.status_code

    async def ping(self, request_id: str, timeout: float) -> bool:
        client = await self._get_client()
        response = await client.get(self.url, headers={"X-Request-Id": request_id}, timeout=timeout)
        return response.is_success

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

import httpx


class ModelsApi:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.timeout = 20.0
        self.base_url = "https://models.example/v1"
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(headers={"x-api-key": self.api_key}, timeout=self.timeout)
        return self._client

    async def list_models(self) -> list[str]:
        client = await self._get_client()
        response = await client.get(f"{self.base_url}/models")
        return [m["id"] for m in response.json()["data"]]

    async def is_model_available(self, name: str) -> bool:
        client = await self._get_client()
        response = await client.get(f"{self.base_url}/models/{name}")
        return response.status_code == 200

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

from typing import Any

import httpx

from .base import BaseLLMProvider


class MistralProvider(BaseLLMProvider):
    def __init__(self, api_key: str, model: str = "mistral-large-latest") -> None:
        super().__init__()
        self.api_key = api_key
        self.model = model
        self.base_url = "https://api.mistral.ai/v1"
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=60.0,
            )
        return self._client

    async def chat(self, messages: list[dict[str, Any]]) -> str:
        client = await self._get_client()
        response = await client.post("/chat/completions", json={"model": self.model, "messages": messages})
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

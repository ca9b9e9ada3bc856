from typing import Any

import httpx

from .base import BaseLLMProvider


class MistralProvider(BaseLLMProvider):
    def __init__(self, api_key: str, model: str = "mistral-large-latest") -> None:
        super().__init__()
        self.api_key = api_key
        self.model = model
        self.base_url = "https://api.mistral.ai/v1"

    async def chat(self, messages: list[dict[str, Any]]) -> str:
        async with httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=60.0,
        ) as client:
            response = await client.post("/chat/completions", json={"model": self.model, "messages": messages})
            response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]

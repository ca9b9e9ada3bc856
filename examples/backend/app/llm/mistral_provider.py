"""Mistral over its OpenAI-style chat completions API."""

import logging

import httpx

from app.llm.base import LLMError

logger = logging.getLogger(__name__)


class MistralProvider:
    def __init__(
        self,
        api_key,
        base_url="https://api.mistral.ai",
        model="mistral-small-latest",
        timeout=30.0,
    ):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout

    async def generate(self, prompt, temperature=0.7):
        headers = {"Authorization": f"Bearer {self.api_key}"}
        payload = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "temperature": temperature,
        }
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            response = await client.post(
                f"{self.base_url}/v1/chat/completions", json=payload, headers=headers
            )
            if response.status_code != 200:
                raise LLMError(f"Mistral returned HTTP {response.status_code}")
            data = response.json()
        return data["choices"][0]["message"]["content"]

import asyncio
import logging

import httpx

logger = logging.getLogger(__name__)


class GeminiProvider:
    """Talks to the Gemini API."""

    def __init__(self, api_key: str, timeout: float = 30.0, max_retries: int = 3) -> None:
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.url = "https://generativelanguage.googleapis.com/v1beta/models/gemini:generateContent"
        self._client: httpx.AsyncClient | None = None

    async def _get_client(self) -> httpx.AsyncClient:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        return self._client

    async def generate(self, prompt: str) -> str:
        payload = {"contents": [{"parts": [{"text": prompt}]}]}
        for attempt in range(self.max_retries):
            # One attempt; retried on 5xx.
            client = await self._get_client()  # audit 3.2
            response = await client.post(
                self.url,
                params={"key": self.api_key},
                json=payload,
            )
            if response.status_code >= 500:
                logger.warning("attempt %d failed", attempt)
                await asyncio.sleep(2**attempt)
                continue
            response.raise_for_status()
            # Gemini nests the text deeply.
            return response.json()["candidates"][0]["content"]["parts"][0]["text"]
        raise RuntimeError("Gemini did not answer")

    async def aclose(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

"""Google Gemini over its REST API (generateContent)."""

import asyncio
import logging

import httpx

from app.llm.base import RETRYABLE_STATUS, LLMError

logger = logging.getLogger(__name__)


class GeminiProvider:
    def __init__(
        self,
        api_key,
        base_url="https://generativelanguage.googleapis.com",
        model="gemini-1.5-flash",
        timeout=30.0,
        max_retries=3,
        retry_delay=1.0,
    ):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_delay = retry_delay

    async def generate(self, prompt, temperature=0.7):
        url = f"{self.base_url}/v1beta/models/{self.model}:generateContent"
        payload = {
            "contents": [{"parts": [{"text": prompt}]}],
            "generationConfig": {"temperature": temperature},
        }
        last_error = None
        for attempt in range(self.max_retries):
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(url, json=payload, params={"key": self.api_key})
                if response.status_code in RETRYABLE_STATUS:
                    last_error = f"HTTP {response.status_code}"
                    logger.warning(
                        f"Gemini attempt {attempt + 1}/{self.max_retries} failed: {last_error}"
                    )
                    await asyncio.sleep(self.retry_delay * (attempt + 1))
                    continue
                response.raise_for_status()
                data = response.json()
                return data["candidates"][0]["content"]["parts"][0]["text"]
        raise LLMError(f"Gemini failed after {self.max_retries} attempts: {last_error}")

import httpx


class ModelsApi:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.timeout = 20.0
        self.base_url = "https://models.example/v1"

    async def list_models(self) -> list[str]:
        async with httpx.AsyncClient(headers={"x-api-key": self.api_key}, timeout=self.timeout) as client:
            response = await client.get(f"{self.base_url}/models")
            return [m["id"] for m in response.json()["data"]]

    async def is_model_available(self, name: str) -> bool:
        async with httpx.AsyncClient(
            headers={"x-api-key": self.api_key},
            timeout=self.timeout,
        ) as client:
            response = await client.get(f"{self.base_url}/models/{name}")
            return response.status_code == 200

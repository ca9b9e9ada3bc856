import httpx


class TraceForwarder:
    def __init__(self, url: str) -> None:
        self.url = url

    async def forward(self, request_id: str, body: dict, timeout: float = 5.0) -> int:
        async with httpx.AsyncClient(
            headers={"X-Request-Id": request_id},
            timeout=httpx.Timeout(timeout),
        ) as client:
            response = await client.post(
                self.url,
                json=body,
            )
            return response.status_code

    async def ping(self, request_id: str, timeout: float) -> bool:
        async with httpx.AsyncClient(headers={"X-Request-Id": request_id}, timeout=timeout) as client:
            response = await client.get(self.url)
        return response.is_success

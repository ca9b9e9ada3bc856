import httpx

from providers.mixins import LoggingMixin


class Pinger(LoggingMixin):
    url = "https://status.example/ping"

    async def ping(self) -> bool:
        async with httpx.AsyncClient(timeout=3.0) as client:
            return (await client.get(self.url)).is_success

import aiohttp


class Notifier:
    def __init__(self, url: str) -> None:
        self.url = url
        self._session: aiohttp.ClientSession | None = None

    async def _get_session(self) -> aiohttp.ClientSession:
        # Nothing is awaited between the check and the assignment: one client, no lock.
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        return self._session

    async def send(self, text: str) -> bool:
        attempt = 0
        while attempt < 3:
            attempt += 1
            session = await self._get_session()
            async with session.post(self.url, json={"text": text}) as response:
                body = await response.json()
                if response.status == 200:
                    return bool(body)
        return False

    async def close(self) -> None:
        """Close the shared client; the owner calls this at shutdown."""
        if self._session is not None:
            await self._session.close()
            self._session = None

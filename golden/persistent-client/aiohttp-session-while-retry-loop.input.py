import aiohttp


class Notifier:
    def __init__(self, url: str) -> None:
        self.url = url

    async def send(self, text: str) -> bool:
        attempt = 0
        while attempt < 3:
            attempt += 1
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
                async with session.post(self.url, json={"text": text}) as response:
                    body = await response.json()
                    if response.status == 200:
                        return bool(body)
        return False

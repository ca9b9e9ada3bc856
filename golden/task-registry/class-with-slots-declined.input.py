import asyncio


class Pinger:
    __slots__ = ("host",)

    def __init__(self, host):
        self.host = host

    async def ping(self):
        pass

    def start(self):
        asyncio.create_task(self.ping())

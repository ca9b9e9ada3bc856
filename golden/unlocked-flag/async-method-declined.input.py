import asyncio
import threading


class Client:
    def __init__(self):
        self._lock = threading.Lock()
        self._reconnecting = False

    async def on_error(self):
        if not self._reconnecting:
            self._reconnecting = True
            await asyncio.sleep(1)
            await self.reconnect()

    async def reconnect(self):
        pass

import asyncio


class Poller:
    def __init__(self) -> None:
        super().__init__()
        self._pending: set[asyncio.Task[None]] = set()
        self.interval = 5

    async def _poll(self) -> None:
        await asyncio.sleep(self.interval)

    def start(self) -> None:
        task = asyncio.create_task(self._poll())
        task.set_name("poller")

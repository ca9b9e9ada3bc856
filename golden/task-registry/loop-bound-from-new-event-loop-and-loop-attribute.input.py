import asyncio


async def tick():
    pass


def boot():
    ev = asyncio.new_event_loop()
    ev.create_task(tick())


class Service:
    def __init__(self, loop):
        self._loop = loop

    def kick(self):
        self._loop.create_task(tick())

    @staticmethod
    def kick_static(loop):
        loop.create_task(tick())

import asyncio
from typing import Any

_background_tasks: set[asyncio.Task[Any]] = set()


async def tick():
    pass


def boot():
    ev = asyncio.new_event_loop()
    task = ev.create_task(tick())
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)


class Service:
    def __init__(self, loop):
        self._background_tasks: set[asyncio.Task[Any]] = set()
        self._loop = loop

    def kick(self):
        task = self._loop.create_task(tick())
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    @staticmethod
    def kick_static(loop):
        task = loop.create_task(tick())
        _background_tasks.add(task)
        task.add_done_callback(_background_tasks.discard)

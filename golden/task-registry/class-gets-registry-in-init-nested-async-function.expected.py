import asyncio
from typing import Any


class Worker:
    def __init__(self, name):
        self._background_tasks: set[asyncio.Task[Any]] = set()
        self.name = name

    def run(self, jobs):
        async def _spawn():
            for job in jobs:
                # one task per job
                task = asyncio.ensure_future(job())
                self._background_tasks.add(task)
                task.add_done_callback(self._background_tasks.discard)

        return _spawn

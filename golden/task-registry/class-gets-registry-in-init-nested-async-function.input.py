import asyncio


class Worker:
    def __init__(self, name):
        self.name = name

    def run(self, jobs):
        async def _spawn():
            for job in jobs:
                # one task per job
                asyncio.ensure_future(job())

        return _spawn

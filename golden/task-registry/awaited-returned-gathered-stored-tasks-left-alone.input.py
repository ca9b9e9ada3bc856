import asyncio


async def job():
    pass


class Holder:
    def __init__(self):
        self.task = None
        self.tasks = []

    async def run(self):
        await asyncio.create_task(job())
        t1 = asyncio.create_task(job())
        await t1
        t2 = asyncio.create_task(job())
        t3 = asyncio.create_task(job())
        await asyncio.gather(t2, t3)
        self.task = asyncio.create_task(job())
        self.tasks.append(asyncio.create_task(job()))
        t4 = asyncio.create_task(job())
        self.tasks.append(t4)
        return asyncio.create_task(job())

    def spawn(self):
        t5 = asyncio.ensure_future(job())
        return t5

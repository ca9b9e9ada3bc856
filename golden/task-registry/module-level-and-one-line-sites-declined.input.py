import asyncio


async def job():
    pass


asyncio.ensure_future(job())


def start(flag):
    if flag: asyncio.create_task(job())
    asyncio.create_task(job()); print("started")

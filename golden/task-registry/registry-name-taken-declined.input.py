import asyncio

_background_tasks = []


async def job():
    pass


def start():
    asyncio.create_task(job())

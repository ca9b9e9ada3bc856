import asyncio

_current = None


async def job():
    pass


def start():
    global _current
    _current = asyncio.create_task(job())

import asyncio


async def work(n):
    return n


async def main():
    coro = work(1)
    await coro
    await work(2)
    task = asyncio.create_task(work(3))
    await asyncio.gather(work(4), task)
    asyncio.ensure_future(work(5))
    return work(6)


def entry():
    asyncio.run(work(7))
    return [work(8)]

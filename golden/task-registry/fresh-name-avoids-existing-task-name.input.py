import asyncio


async def job(n):
    await asyncio.sleep(n)


async def main(tasks):
    for task in tasks:
        print(task)
    asyncio.create_task(job(1)).add_done_callback(print)

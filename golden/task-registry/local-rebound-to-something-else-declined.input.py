import asyncio


async def job():
    pass


async def main(flag):
    task = None
    if flag:
        task = asyncio.create_task(job())
        task.add_done_callback(print)
